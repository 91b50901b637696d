package extract

import (
	"strconv"

	"github.com/sparkmine/sparkmine/extract/redact"
)

// redactText passes every free-text field of a finished App through the
// Redactor's Text, once, so that what the rows store, what the detectors
// quote in findings and what a prompt is built from are all redacted
// (spark_conf values go through Redactor.Conf in conf). Logs repeat their
// text (a job's description on each of its stages, call sites, a query's
// plan on each run of it, plan node names), so each distinct string is
// redacted once.
func redactText(a *App, r *redact.Redactor) {
	text := memoText(r)
	a.Row.User = text(a.Row.User)
	a.Row.AppName, a.Row.Queue = text(a.Row.AppName), text(a.Row.Queue)
	for i := range a.Stages {
		s := &a.Stages[i]
		s.Name, s.FailureReason = text(s.Name), text(s.FailureReason)
		s.JobDescription, s.CallSite = text(s.JobDescription), text(s.CallSite)
	}
	for i := range a.Executors {
		a.Executors[i].RemovedReason = text(a.Executors[i].RemovedReason)
	}
	if !r.KeepsHosts() {
		aliasHosts(a.Executors)
	}
	for i := range a.Jobs {
		j := &a.Jobs[i]
		j.Description, j.FailureMessage = text(j.Description), text(j.FailureMessage)
	}
	for i := range a.SQL {
		q := &a.SQL[i]
		q.Description, q.ErrorMessage, q.PlanExcerpt = text(q.Description), text(q.ErrorMessage), text(q.PlanExcerpt)
	}
	redactQueries(a, text)
	for i := range a.Warnings {
		a.Warnings[i].Reason = text(a.Warnings[i].Reason)
	}
}

// aliasHosts replaces each executor's host with <host_N>, N numbered by
// first appearance in executor order: the executors of one node still
// group together (a node that fails every task), and its name never reaches
// a file. Aliases are per app: the same node has other numbers in other apps.
func aliasHosts(execs []ExecutorRow) {
	alias := map[string]string{}
	for i := range execs {
		h := execs[i].Host
		if h == "" {
			continue
		}
		if _, ok := alias[h]; !ok {
			alias[h] = "<host_" + strconv.Itoa(len(alias)+1) + ">"
		}
		execs[i].Host = alias[h]
	}
}

// memoText is r.Text remembering what it returned for each string.
func memoText(r *redact.Redactor) func(string) string {
	memo := map[string]string{}
	return func(s string) string {
		out, ok := memo[s]
		if !ok {
			out = r.Text(s)
			memo[s] = out
		}
		return out
	}
}

// redactQueries redacts the queries' and plan nodes' free text, and the
// operator summaries' names the detectors quote (tables, filters) and the
// operator_summary JSON is built from.
func redactQueries(a *App, text func(string) string) {
	for i := range a.Queries {
		q := &a.Queries[i]
		q.Description, q.Error = text(q.Description), text(q.Error)
	}
	for i := range a.PlanNodes {
		n := &a.PlanNodes[i]
		n.Name, n.Description = text(n.Name), text(n.Description)
	}
	for i := range a.SQL {
		o := &a.SQL[i].Operators
		for j := range o.Joins {
			o.Joins[j].Name = text(o.Joins[j].Name)
		}
		for j := range o.Scans {
			sc := &o.Scans[j]
			sc.Format, sc.Table, sc.PushedFilters = text(sc.Format), text(sc.Table), text(sc.PushedFilters)
		}
	}
}
