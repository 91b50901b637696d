package report

import (
	"cmp"
	"slices"

	"github.com/sparkmine/sparkmine/analyze"
)

// topFindings sums the report week's findings per job and detector and
// returns the largest by estimated waste (then severity, job, detector).
// Regressions and improvements have their own section.
func topFindings(rows []analyze.FindingRow, runs map[appKey]run) []Finding {
	type key struct{ job, detector string }
	m := map[key]*Finding{}
	best := map[key]float64{}
	apps := map[key]map[appKey]bool{}
	for i := range rows {
		f := &rows[i]
		ak := appKey{f.AppID, f.AttemptID}
		r, ok := runs[ak]
		if !ok || r.off != 0 || f.Detector == analyze.DetRegression || f.Detector == analyze.DetImprovement {
			continue
		}
		k := key{job(r.row), f.Detector}
		g := m[k]
		if g == nil {
			g = &Finding{AppName: k.job, Detector: k.detector}
			m[k], best[k], apps[k] = g, -1, map[appKey]bool{}
		}
		w := rescaledWaste(f, r)
		g.WasteUSD += w
		apps[k][ak] = true
		g.Runs = len(apps[k])
		if worse(f.Severity, g.Severity) {
			g.Severity = f.Severity
		}
		if w > best[k] {
			best[k] = w
			g.Title, g.AppID, g.Recommendations = f.Title, f.AppID, f.Recommendations
		}
	}
	out := make([]Finding, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.WasteUSD, a.WasteUSD), cmp.Compare(sev(b.Severity), sev(a.Severity)),
			cmp.Compare(a.AppName, b.AppName), cmp.Compare(a.Detector, b.Detector))
	})
	return out[:min(len(out), maxFindings)]
}

// rescaledWaste prices a finding's waste at the report's rates: its stored
// waste × the app's cost now ÷ its stored cost, at most the app's executor
// cost. The stored waste stands when the stored cost is unknown.
func rescaledWaste(f *analyze.FindingRow, r run) float64 {
	w := f.EstWasteUSD
	if r.row.EstCostUSD > 0 {
		w *= r.cost.AllocatedUSD / r.row.EstCostUSD
	}
	return max(0, min(w, r.cost.ExecutorUSD))
}

func sev(s string) analyze.Severity {
	v, _ := analyze.ParseSeverity(s)
	return v
}

func worse(a, b string) bool { return sev(a) > sev(b) }

// llm sums the diagnoses of the report week's apps, and the week before's
// cost.
func llm(rows []analyze.DiagnosisRow, runs map[appKey]run, cost analyze.CostConfig) LLM {
	l := LLM{ByStatus: map[string]int{}}
	diagnosed := map[appKey]bool{}
	for _, d := range rows {
		ak := appKey{d.AppID, d.AttemptID}
		r, ok := runs[ak]
		if !ok || (r.off != 0 && r.off != -1) {
			continue
		}
		usd := cost.LLMCostUSD(d.InputTokens, d.OutputTokens)
		if d.Status == "dry_run" {
			usd = 0 // nothing was sent: its tokens are an estimate
		}
		if r.off == -1 {
			l.PrevCostUSD += usd
			continue
		}
		l.Calls++
		l.ByStatus[d.Status]++
		l.InputTokens += d.InputTokens
		l.OutputTokens += d.OutputTokens
		l.CostUSD += usd
		if d.Status == "ok" && !diagnosed[ak] {
			diagnosed[ak] = true
			l.AddressedWasteUSD += r.cost.WasteUSD
		}
	}
	l.DiagnosedApps = len(diagnosed)
	return l
}

type recommendation = analyze.Recommendation
