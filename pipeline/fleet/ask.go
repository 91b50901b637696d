package fleet

import (
	"context"
	"fmt"
	"strings"

	"github.com/sparkmine/sparkmine/analyze/ask"
	"github.com/sparkmine/sparkmine/store/sqldb"
)

// Reference is what a model is told of the dataset for a question: every
// table's columns with their types, meanings and units (Describe) and the
// days the dataset holds; never a row. The questions table itself is left
// out, so that asking does not change the schema a cached answer was
// given for.
func (f *Fleet) Reference(ctx context.Context) (ask.Reference, error) {
	var b strings.Builder
	for _, t := range f.DB.Tables() {
		if t != "questions" {
			b.WriteString(f.Describe(t))
			b.WriteString("\n")
		}
	}
	ref := ask.Reference{Schema: b.String(), Dates: "no applications"}
	if !f.has("apps", "dt") {
		return ref, nil
	}
	res, err := f.DB.Query(ctx, "SELECT min(dt), max(dt), count(DISTINCT dt) FROM apps")
	if err != nil {
		return ref, fmt.Errorf("date range: %w", err)
	}
	if r := res.Rows[0]; r[0] != nil {
		ref.Dates = fmt.Sprintf("apps.dt from %s to %s (%s days with applications)",
			sqldb.Cell("DATE", r[0]), sqldb.Cell("DATE", r[1]), sqldb.Cell("", r[2]))
	}
	return ref, nil
}

// Answer is a question's outcome and, when its SQL passed the check and
// ran, its result.
type Answer struct {
	ask.Outcome
	Result *sqldb.Result
}

// Ask asks a about question over the dataset, checks its SQL against the
// views and runs it under the limits. The row (Outcome.Row) records the
// rows returned; the error is Ask's, or the query's (status error).
func (f *Fleet) Ask(ctx context.Context, a *ask.Asker, question string) (Answer, error) {
	ref, err := f.Reference(ctx)
	if err != nil {
		return Answer{}, err
	}
	o, err := a.Ask(ctx, question, ref, f.DB)
	ans := Answer{Outcome: o}
	if err != nil || o.Row.Status != ask.StatusChecked {
		return ans, err
	}
	res, err := f.DB.Query(ctx, o.Answer.SQL)
	if err != nil {
		ans.Row.Status, ans.Row.Reason = ask.StatusError, "run: "+firstLine(err.Error())
		return ans, fmt.Errorf("run the checked SQL: %w", err)
	}
	ans.Result = res
	ans.Row.Rows, ans.Row.Truncated = int64(len(res.Rows)), res.Truncated
	return ans, nil
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
