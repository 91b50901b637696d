package pipeline

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store"
)

// The labelled corpus: every finding the detectors give on the real shared
// logs, judged true, false or overstated by a Spark engineer, in
// ../testdata/findings-verdicts.tsv. TestFindingVerdicts fails when a
// finding judged false comes back or one judged true disappears; it logs
// findings nobody has judged yet and the precision (true ÷ all findings).
//
//	go test ./pipeline -run TestFindingVerdicts -findings /tmp/findings.tsv
//
// writes the current findings with their key numbers, to judge new ones.

const verdictsFile = "../testdata/findings-verdicts.tsv"

var findingsOut = flag.String("findings", "", "write every finding of the real shared logs to this TSV file")

// corpusFinding is one finding of one real log, keyed by log, detector and
// stage ("-" for an app-level finding), never by its text.
type corpusFinding struct {
	log, detector, stage string
	f                    analyze.FindingRow
	kind                 string // the stage's stage_kind, "" for app-level
}

func (c corpusFinding) key() string { return c.log + "\t" + c.detector + "\t" + c.stage }

// verdict is one judged finding. A finding judged false is "open" while
// the detectors still give it (logged, not a failure) and "fixed" once a
// rule removed it (a failure if it comes back).
type verdict struct {
	verdict, state, why string
	line                int
}

func TestFindingVerdicts(t *testing.T) {
	needShared(t)
	found := corpusFindings(t)
	if *findingsOut != "" {
		writeFindings(t, *findingsOut, found)
	}
	judged := readVerdicts(t, verdictsFile)
	seen := map[string]bool{}
	count := map[string]int{}
	for _, c := range found {
		k := c.key()
		seen[k] = true
		v, ok := judged[k]
		switch {
		case !ok:
			count["unjudged"]++
			t.Logf("not judged yet: %s %s stage %s: %s", c.log, c.detector, c.stage, c.f.Title)
		case v.verdict == "false" && v.state == "open":
			count["false"]++
			t.Logf("%s:%d: judged false, not fixed yet: %s %s stage %s: %s", verdictsFile, v.line, c.log, c.detector, c.stage, c.f.Title)
		case v.verdict == "false":
			count["false"]++
			t.Errorf("%s:%d: a finding judged false is back: %s %s stage %s: %s (judged: %s)", verdictsFile, v.line, c.log, c.detector, c.stage, c.f.Title, v.why)
		default:
			count[v.verdict]++
		}
	}
	for k, v := range judged {
		switch {
		case v.verdict == "true" && !seen[k]:
			t.Errorf("%s:%d: a finding judged true is gone: %s (%s)", verdictsFile, v.line, strings.ReplaceAll(k, "\t", " "), v.why)
		case v.state == "open" && !seen[k]:
			t.Logf("%s:%d: a false finding is gone: mark it fixed and name the rule that removed it: %s", verdictsFile, v.line, strings.ReplaceAll(k, "\t", " "))
		}
	}
	t.Logf("%d findings on the real logs: %d true, %d overstated, %d false, %d not judged; precision %.1f%%",
		len(found), count["true"], count["overstated"], count["false"], count["unjudged"], 100*float64(count["true"])/float64(max(1, len(found))))
}

// corpusFindings runs extract and analyze (default config) over every log
// under the shared folder, found as a run finds them.
func corpusFindings(t *testing.T) []corpusFinding {
	t.Helper()
	ctx := context.Background()
	st := openLocal(t, sharedLogs)
	var objs []logfile.Object
	err := st.List(ctx, "", func(oi store.ObjectInfo) error {
		if !strings.Contains(oi.Key, "/expectations/") && !strings.HasSuffix(oi.Key, ".md") {
			objs = append(objs, logfile.Object{Key: oi.Key, Size: oi.Size, ModTime: oi.ModTime, ETag: oi.ETag})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	logs, _ := logfile.Discover(objs)
	if len(logs) < 90 {
		t.Fatalf("found only %d logs under %s", len(logs), sharedLogs)
	}
	var out []corpusFinding
	var runs []history.Run
	ids := map[string]analyze.FindingRow{} // log → the app's identity
	apps := map[string]*extract.App{}
	for _, l := range logs {
		app, _, err := extract.ReadLog(ctx, st, l, extract.Options{})
		if err != nil {
			t.Logf("%s: unreadable: %v", l.Key, err)
			continue
		}
		findings, res := analyze.Analyze(app, analyze.DefaultConfig())
		for _, f := range findings {
			out = append(out, newCorpusFinding(l.Key, app, f))
		}
		r := history.RunOf(app.Row, res.EstCostUSD, res.JobKey)
		runs = append(runs, r)
		ids[l.Key], apps[l.Key] = analyze.FindingRow{AppID: r.AppID, AttemptID: r.AttemptID}, app
	}
	return append(out, historyFindings(logs, runs, ids, apps)...)
}

// historyFindings are the regressions and improvements the history step
// gives the shared logs, each judged against the logs of its job that
// ended before it (the real logs hold a few jobs run many times).
func historyFindings(logs []logfile.Log, runs []history.Run, ids map[string]analyze.FindingRow, apps map[string]*extract.App) []corpusFinding {
	var out []corpusFinding
	i := 0
	for _, l := range logs {
		if _, ok := ids[l.Key]; !ok {
			continue
		}
		if f, ok := analyze.HistoryFinding(ids[l.Key], runs[i], runs, history.DefaultConfig()); ok {
			out = append(out, newCorpusFinding(l.Key, apps[l.Key], f))
		}
		i++
	}
	return out
}

func newCorpusFinding(log string, app *extract.App, f analyze.FindingRow) corpusFinding {
	c := corpusFinding{log: log, detector: f.Detector, stage: "-", f: f}
	if f.StageID != nil {
		c.stage = fmt.Sprint(*f.StageID)
		if f.StageAttemptID != nil && *f.StageAttemptID > 0 {
			c.stage += fmt.Sprintf(".%d", *f.StageAttemptID)
		}
		for _, s := range app.Stages {
			if s.StageID == *f.StageID {
				c.kind = s.StageKind
			}
		}
	}
	return c
}

// readVerdicts reads the verdict file: tab-separated log, detector, stage,
// verdict (true | false | overstated), state (open | fixed for a false one,
// "-" otherwise), why; '#' starts a comment line.
func readVerdicts(t *testing.T, path string) map[string]verdict {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open verdicts: %v", err)
	}
	defer f.Close()
	out := map[string]verdict{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 6 || cols[5] == "" {
			t.Fatalf("%s:%d: want 6 tab-separated columns (log, detector, stage, verdict, state, why), got %d", path, n, len(cols))
		}
		switch v, st := cols[3], cols[4]; {
		case (v == "true" || v == "overstated") && st == "-":
		case v == "false" && (st == "open" || st == "fixed"):
		default:
			t.Fatalf("%s:%d: verdict %q state %q: want true or overstated with -, or false with open or fixed", path, n, v, st)
		}
		k := strings.Join(cols[:3], "\t")
		if _, dup := out[k]; dup {
			t.Fatalf("%s:%d: %s judged twice", path, n, strings.Join(cols[:3], " "))
		}
		out[k] = verdict{verdict: cols[3], state: cols[4], why: cols[5], line: n}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read verdicts: %v", err)
	}
	return out
}

// writeFindings writes the findings with their key numbers, for judging.
func writeFindings(t *testing.T, path string, found []corpusFinding) {
	t.Helper()
	sort.SliceStable(found, func(i, j int) bool { return found[i].key() < found[j].key() })
	var b strings.Builder
	b.WriteString("# log\tdetector\tstage\tseverity\tstage_kind\ttitle\tevidence\test_waste_usd\trecommendations\tdetail\n")
	for _, c := range found {
		var ev, recs []string
		for _, e := range c.f.Evidence {
			ev = append(ev, fmt.Sprintf("%s=%.4g(>%.4g)", e.Metric, e.Value, e.Threshold))
		}
		for _, r := range c.f.Recommendations {
			recs = append(recs, fmt.Sprintf("%s: %q→%q", r.Key, r.Current, r.Proposed))
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%.4f\t%s\t%s\n", c.key(), c.f.Severity, c.kind, oneLine(c.f.Title),
			strings.Join(ev, " "), c.f.EstWasteUSD, strings.Join(recs, "; "), oneLine(c.f.Detail))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d findings to %s", len(found), filepath.Clean(path))
}

func oneLine(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
}
