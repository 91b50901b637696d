package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
)

// printWhatIf prints an app's right-sizing: the replay's accuracy, its
// bounds, and the estimate at a few executor counts around the app's own
// (a tenth, a quarter, half, own, twice, four times) and the recommended
// configuration.
func printWhatIf(w io.Writer, app *extract.App, rs *analyze.Rightsizing) error {
	if rs == nil {
		_, err := fmt.Fprintln(w, "what-if: not simulated (no executors, as in local mode, or no task ran)")
		return err
	}
	s := rs.Sim
	fmt.Fprintf(w, "what-if: replayed as it ran %s (actual %s, error %.0f%%); on %d×%d-core executors from the start %s; critical path %s; perfect parallelism %s; driver %s\n",
		fmtMS(s.ActualMS), fmtMS(app.Row.DurationMS), 100*s.Error, s.Actual.Executors, s.Actual.Cores, fmtMS(s.StaticMS),
		fmtMS(s.CriticalPathMS), fmtMS(s.IdealMS), fmtMS(s.DriverMS))
	if s.Untrusted != "" {
		fmt.Fprintf(w, "what-if: not trustworthy: %s\n", s.Untrusted)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "executors\tcores\test duration\test cost\tutilisation\t\t")
	for _, r := range whatIfRows(rs) {
		mark := ""
		switch {
		case r.Actual && r.Rightsized:
			mark = "actual, right-sized"
		case r.Actual:
			mark = "actual"
		case r.Rightsized:
			mark = "right-sized"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t$%.2f\t%.0f%%\t%s\t\n", r.Executors, r.ExecutorCores, fmtMS(r.EstDurationMS), r.EstCostUSD, 100*r.EstUtilization, mark)
	}
	return tw.Flush()
}

// whatIfRows picks the rows printWhatIf shows, in sweep order.
func whatIfRows(rs *analyze.Rightsizing) []analyze.SimulationRow {
	act := rs.Sim.Actual
	want := map[int64]bool{}
	for _, f := range []float64{0.1, 0.25, 0.5, 1, 2, 4} {
		want[nearest(rs, act.Cores, int64(f*float64(act.Executors)))] = true
	}
	var out []analyze.SimulationRow
	for _, r := range rs.Rows {
		if r.Rightsized || r.ExecutorCores == act.Cores && want[r.Executors] {
			out = append(out, r)
		}
	}
	return out
}

// nearest is the simulated executor count at cores closest to e.
func nearest(rs *analyze.Rightsizing, cores, e int64) int64 {
	best := int64(-1)
	for _, r := range rs.Rows {
		if r.ExecutorCores == cores && (best < 0 || abs(r.Executors-e) < abs(best-e)) {
			best = r.Executors
		}
	}
	return best
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
