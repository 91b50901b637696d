package fleet

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sparkmine/sparkmine/analyze/ask"
	"github.com/sparkmine/sparkmine/store/sqldb"
)

// Reference is what a model is told of the dataset for a question: every
// table's columns with their types, meanings and units (Describe) and the
// days the dataset holds; no row unless values is set, when the values of
// each few-valued text column are listed too (ask.Config.SampleValues).
// The questions table itself is left out, so that asking does not change
// the schema a cached answer was given for.
func (f *Fleet) Reference(ctx context.Context, values bool) (ask.Reference, error) {
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
	if values {
		ref.Values, err = f.values(ctx)
	}
	return ref, err
}

// values lists, table by table, the values of every few-valued text
// column ("apps.status: 'failed', 'succeeded'"): at most ask.MaxSampleValues
// distinct ones, each on two rows or more on average and none longer than
// maxValueBytes, keys left out (so ids, names of single rows and free text
// are never listed).
func (f *Fleet) values(ctx context.Context) (string, error) {
	var b strings.Builder
	for _, t := range f.DB.Tables() {
		if t == "questions" {
			continue
		}
		for _, c := range slices.Sorted(maps.Keys(f.columns[t])) {
			if f.columns[t][c] != "VARCHAR" || isKey(c) {
				continue
			}
			vals, err := f.fewValues(ctx, t, c)
			if err != nil {
				return "", fmt.Errorf("values of %s.%s: %w", t, c, err)
			}
			if len(vals) > 0 {
				fmt.Fprintf(&b, "%s.%s: %s\n", t, c, strings.Join(vals, ", "))
			}
		}
	}
	return b.String(), nil
}

// maxValueBytes bounds a listed value: longer ones are free text
// (messages, plans, descriptions), not values to filter on.
const maxValueBytes = 64

// isKey reports whether a column names one thing (an app, an executor, a
// run, a log, a hash): never a value to list.
func isKey(column string) bool {
	for _, suffix := range []string{"_id", "_uri", "_sha256"} {
		if strings.HasSuffix(column, suffix) {
			return true
		}
	}
	return false
}

// fewValues returns the values of column c of table t, sorted, if it is
// few-valued (see values), else none.
func (f *Fleet) fewValues(ctx context.Context, t, c string) ([]string, error) {
	res, err := f.DB.Query(ctx, fmt.Sprintf(`SELECT count(DISTINCT %[1]q) <= %[2]d AND 2 * count(DISTINCT %[1]q) <= count(%[1]q)
		AND coalesce(max(length(%[1]q)), 0) <= %[3]d, list(DISTINCT %[1]q ORDER BY %[1]q) FILTER (WHERE %[1]q IS NOT NULL)[1:%[2]d]
		FROM %[4]q`, c, ask.MaxSampleValues, maxValueBytes, t))
	if err != nil {
		return nil, err
	}
	few, _ := res.Rows[0][0].(bool)
	list, _ := res.Rows[0][1].([]any)
	if !few {
		return nil, nil
	}
	vals := make([]string, len(list))
	for i, v := range list {
		vals[i] = "'" + strings.ReplaceAll(sqldb.Cell("VARCHAR", v), "'", "''") + "'" // as SQL literals
	}
	return vals, nil
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
	ref, err := f.Reference(ctx, a.SampleValues())
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
