package extract

import (
	"strconv"

	"github.com/sparkmine/sparkmine/extract/redact"
)

// redactText passes every free-text field of a finished App through the
// Redactor's Text, once, so that what the rows store, what the detectors
// quote in findings and what a prompt is built from are all redacted
// (spark_conf values go through Redactor.Conf in conf).
func redactText(a *App, r *redact.Redactor) {
	a.Row.User = r.Text(a.Row.User)
	a.Row.AppName, a.Row.Queue = r.Text(a.Row.AppName), r.Text(a.Row.Queue)
	for i := range a.Stages {
		s := &a.Stages[i]
		s.Name, s.FailureReason = r.Text(s.Name), r.Text(s.FailureReason)
		s.JobDescription, s.CallSite = r.Text(s.JobDescription), r.Text(s.CallSite)
	}
	for i := range a.Executors {
		a.Executors[i].RemovedReason = r.Text(a.Executors[i].RemovedReason)
	}
	if !r.KeepsHosts() {
		aliasHosts(a.Executors)
	}
	for i := range a.Jobs {
		j := &a.Jobs[i]
		j.Description, j.FailureMessage = r.Text(j.Description), r.Text(j.FailureMessage)
	}
	for i := range a.SQL {
		q := &a.SQL[i]
		q.Description, q.ErrorMessage, q.PlanExcerpt = r.Text(q.Description), r.Text(q.ErrorMessage), r.Text(q.PlanExcerpt)
	}
	redactQueries(a, r)
	for i := range a.Warnings {
		a.Warnings[i].Reason = r.Text(a.Warnings[i].Reason)
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

// redactQueries redacts the queries' and plan nodes' free text, and the
// operator summaries' names the detectors quote (tables, filters) and the
// operator_summary JSON is built from. Plans repeat names and
// descriptions, so each distinct string is redacted once.
func redactQueries(a *App, r *redact.Redactor) {
	memo := map[string]string{}
	text := func(s string) string {
		out, ok := memo[s]
		if !ok {
			out = r.Text(s)
			memo[s] = out
		}
		return out
	}
	for i := range a.Queries {
		q := &a.Queries[i]
		q.Description, q.Error = r.Text(q.Description), r.Text(q.Error)
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
