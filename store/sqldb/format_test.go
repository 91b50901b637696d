//go:build cgo

package sqldb

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// typed is a query giving a value of every kind DuckDB hands back, and
// NULLs, over the dataset's rows.
const typed = `SELECT app_id, stages::TINYINT AS tiny, stages::INTEGER AS int, stages AS big, sum(stages) OVER () AS huge,
	cost AS dbl, (cost * 100)::DECIMAL(10,2) AS dec, 'a,"b"' || app_id AS text, dt AS day,
	TIMESTAMPTZ '2026-11-25 10:00:00.123+00' + to_days(stages::INTEGER) AS ts, stages % 2 = 0 AS even,
	CASE WHEN stages = 3 THEN NULL ELSE app_id END AS maybe, [stages, 1] AS list, {'k': stages} AS rec
	FROM apps ORDER BY app_id`

func typedResult(t *testing.T) *Result {
	t.Helper()
	root, _ := dataset(t)
	res, err := open(t, root, DefaultLimits()).Query(context.Background(), typed)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestArrowReadsBack: the Arrow IPC stream, read with arrow-go's own
// reader, holds the table output's values, with Arrow types pandas and
// polars read natively.
func TestArrowReadsBack(t *testing.T) {
	res := typedResult(t)
	var buf bytes.Buffer
	if err := res.Write(&buf, FormatArrow); err != nil {
		t.Fatal(err)
	}
	r, err := ipc.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	wantTypes := map[string]arrow.Type{"tiny": arrow.INT64, "big": arrow.INT64, "huge": arrow.INT64, "dbl": arrow.FLOAT64,
		"dec": arrow.FLOAT64, "text": arrow.STRING, "day": arrow.DATE32, "ts": arrow.TIMESTAMP, "even": arrow.BOOL, "list": arrow.STRING}
	for _, f := range r.Schema().Fields() {
		if w, ok := wantTypes[f.Name]; ok && f.Type.ID() != w {
			t.Errorf("column %s is %s in Arrow, want %s", f.Name, f.Type, w)
		}
	}
	var got [][]string
	for r.Next() {
		rec := r.RecordBatch()
		for i := range int(rec.NumRows()) {
			row := make([]string, rec.NumCols())
			for j := range row {
				row[j] = arrowCell(t, rec.Column(j), i)
			}
			got = append(got, row)
		}
	}
	want := tableCells(t, res)
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("arrow holds %d rows, the table %d", len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d:\narrow %q\ntable %q", i, got[i], want[i])
		}
	}
}

// arrowCell prints an Arrow value as the table prints its column.
func arrowCell(t *testing.T, col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch c := col.(type) {
	case *array.Int64:
		return strconv.FormatInt(c.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(c.Value(i), 'g', -1, 64)
	case *array.String:
		return c.Value(i)
	case *array.Boolean:
		return strconv.FormatBool(c.Value(i))
	case *array.Date32:
		return c.Value(i).ToTime().Format(time.DateOnly)
	case *array.Timestamp:
		return c.Value(i).ToTime(arrow.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	t.Fatalf("unexpected arrow column %T", col)
	return ""
}

// tableCells parses the table output back into cells by the header's
// column starts (values hold no double spaces).
func tableCells(t *testing.T, res *Result) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := res.Write(&buf, FormatTable); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	var starts []int
	for i := range lines[0] {
		if i == 0 || lines[0][i-1] == ' ' && lines[0][i] != ' ' {
			starts = append(starts, i)
		}
	}
	if len(starts) != len(res.Columns) {
		t.Fatalf("header %q has %d columns, want %d", lines[0], len(starts), len(res.Columns))
	}
	var out [][]string
	for _, l := range lines[1:] {
		row := make([]string, len(starts))
		for j, s := range starts {
			end := len(l)
			if j+1 < len(starts) {
				end = min(starts[j+1], len(l))
			}
			row[j] = strings.TrimSpace(l[min(s, len(l)):end])
		}
		out = append(out, row)
	}
	return out
}

// TestCSVAndJSON: the CSV output reads back with encoding/csv as the
// header and the table's cells; the JSON output is one object per row
// whose values are the same.
func TestCSVAndJSON(t *testing.T) {
	res := typedResult(t)
	want := tableCells(t, res)
	var buf bytes.Buffer
	if err := res.Write(&buf, FormatCSV); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || !slices.Equal(recs[0], res.Columns) {
		t.Fatalf("csv header %v, %v", recs, err)
	}
	for i, w := range want {
		if !slices.Equal(recs[i+1], w) {
			t.Errorf("csv row %d: %q, want %q", i, recs[i+1], w)
		}
	}
	buf.Reset()
	if err := res.Write(&buf, FormatJSON); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil || len(objs) != len(want) {
		t.Fatalf("json: %d objects, %v", len(objs), err)
	}
	for i, o := range objs {
		for j, c := range res.Columns {
			if c == "list" || c == "rec" {
				continue
			}
			if got := jsonCell(o[c]); got != want[i][j] {
				t.Errorf("json row %d %s = %q, want %q", i, c, got, want[i][j])
			}
		}
	}
	if err := res.Write(&buf, "xml"); err == nil {
		t.Error("an unknown format was written")
	}
}

func jsonCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}
