package extract

import "github.com/sparkmine/sparkmine/extract/redact"

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
	}
	for i := range a.Executors {
		a.Executors[i].RemovedReason = r.Text(a.Executors[i].RemovedReason)
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

// redactQueries redacts the queries' and plan nodes' free text, and the
// operator summaries' names the detectors quote (tables, filters).
func redactQueries(a *App, r *redact.Redactor) {
	for i := range a.Queries {
		q := &a.Queries[i]
		q.Description, q.Error, q.OperatorSummary = r.Text(q.Description), r.Text(q.Error), r.Text(q.OperatorSummary)
	}
	for i := range a.PlanNodes {
		n := &a.PlanNodes[i]
		n.Name, n.Description = r.Text(n.Name), r.Text(n.Description)
	}
	for i := range a.SQL {
		o := &a.SQL[i].Operators
		for j := range o.Joins {
			o.Joins[j].Name = r.Text(o.Joins[j].Name)
		}
		for j := range o.Scans {
			o.Scans[j].Table, o.Scans[j].PushedFilters = r.Text(o.Scans[j].Table), r.Text(o.Scans[j].PushedFilters)
		}
	}
}
