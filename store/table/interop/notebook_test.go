package interop_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

const notebookPath = "examples/findings.ipynb"

// notebook is the part of nbformat 4 these tests read.
type notebook struct {
	NBFormat      int    `json:"nbformat"`
	NBFormatMinor int    `json:"nbformat_minor"`
	Cells         []cell `json:"cells"`
}

type cell struct {
	ID       string          `json:"id"`
	CellType string          `json:"cell_type"`
	Source   json.RawMessage `json:"source"` // a string or a list of lines
	Metadata map[string]any  `json:"metadata"`
	Outputs  []any           `json:"outputs"`
}

func (c cell) text(t *testing.T) string {
	var s string
	if json.Unmarshal(c.Source, &s) == nil {
		return s
	}
	var lines []string
	if err := json.Unmarshal(c.Source, &lines); err != nil {
		t.Fatalf("cell %s: source is neither a string nor a list of strings: %v", c.ID, err)
	}
	return strings.Join(lines, "")
}

// sqlCell matches a query of the notebook: a triple-quoted Python string
// whose first line is "-- sql:<name>".
var sqlCell = regexp.MustCompile(`(?s)"""\s*(-- sql:([a-z_]+)\n.*?)"""`)

// notebookQueries returns the SQL of every marked query, by name, in order.
func notebookQueries(t *testing.T) (names []string, sql map[string]string) {
	t.Helper()
	nb := readNotebook(t)
	sql = map[string]string{}
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		src := c.text(t)
		found := sqlCell.FindAllStringSubmatch(src, -1)
		if calls := strings.Count(src, `q("""`); calls != len(found) {
			t.Errorf("cell %s: %d queries but %d -- sql: markers; mark every query", c.ID, calls, len(found))
		}
		for _, m := range found {
			if _, dup := sql[m[2]]; dup {
				t.Errorf("query %s marked twice", m[2])
			}
			names = append(names, m[2])
			sql[m[2]] = m[1]
		}
	}
	return names, sql
}

func readNotebook(t *testing.T) notebook {
	t.Helper()
	b, err := os.ReadFile(findUp(t, notebookPath))
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: not JSON: %v", notebookPath, err)
	}
	return nb
}

func findUp(t *testing.T, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("%s not found above the working directory", rel)
		}
		dir = filepath.Dir(dir)
	}
}

var cellID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// TestNotebookFormat checks the nbformat 4.5 rules Jupyter enforces on load,
// and that the committed notebook carries no outputs.
func TestNotebookFormat(t *testing.T) {
	nb := readNotebook(t)
	if nb.NBFormat != 4 || nb.NBFormatMinor < 5 {
		t.Errorf("nbformat %d.%d, want 4.5 or later 4.x", nb.NBFormat, nb.NBFormatMinor)
	}
	ids := map[string]bool{}
	for i, c := range nb.Cells {
		if !cellID.MatchString(c.ID) || ids[c.ID] {
			t.Errorf("cell %d: id %q missing, malformed or repeated", i, c.ID)
		}
		ids[c.ID] = true
		if c.CellType != "code" && c.CellType != "markdown" {
			t.Errorf("cell %s: type %q", c.ID, c.CellType)
		}
		if c.Metadata == nil {
			t.Errorf("cell %s: no metadata object", c.ID)
		}
		if c.CellType == "code" && (c.Outputs == nil || len(c.Outputs) > 0) {
			t.Errorf("cell %s: want an empty outputs list (commit the notebook cleared)", c.ID)
		}
		_ = c.text(t)
	}
}

// TestNotebookQueries runs every SQL query of the notebook on the planted
// dataset through DuckDB and checks it finds what was planted.
func TestNotebookQueries(t *testing.T) {
	names, sql := notebookQueries(t)
	if len(names) == 0 {
		t.Fatal("no -- sql: queries found in the notebook")
	}
	db := duckdbtest.Open(t)
	root := writeDataset(t)
	stmts := make([]string, len(names))
	for i, n := range names {
		stmts[i] = strings.ReplaceAll(sql[n], "sparkmine-out", root)
	}
	results := db.Query(t, stmts...)
	for i, n := range names {
		want, ok := notebookWant[n]
		if !ok {
			t.Errorf("query %s: no expectation in notebookWant; add one", n)
			continue
		}
		got := project(results[i], want.cols)
		if diff := cmp.Diff(want.rows, got); diff != "" {
			t.Errorf("query %s (-want +got):\n%s", n, diff)
		}
	}
	for n := range notebookWant {
		if _, ok := sql[n]; !ok {
			t.Errorf("query %s expected but not in the notebook", n)
		}
	}
}

// notebookWant is, per notebook query, the columns checked and the rows the
// planted dataset must give.
var notebookWant = map[string]struct {
	cols []string
	rows [][]string
}{
	"top_findings": {
		cols: []string{"severity", "detector", "app_name", "est_waste_usd", "stage_id", "recommendations"},
		rows: [][]string{
			{"critical", "shuffle_skew", "nightly-etl ✓ 日本", "2", "1", "1"},
			{"severe", "idle_executors", "nightly-etl ✓ 日本", "9", "<nil>", "0"},
			{"moderate", "failed_jobs", "ad-hoc report", "50", "<nil>", "0"},
			{"low", "tiny_tasks", "nightly-etl ✓ 日本", "0.1", "0", "1"},
		},
	},
	"recommendations": {
		cols: []string{"detector", "key", "current", "proposed"},
		rows: [][]string{
			{"shuffle_skew", "spark.sql.adaptive.skewJoin.enabled", "false", "true"},
			{"tiny_tasks", "spark.sql.shuffle.partitions", "", "24"},
		},
	},
	"worst_stages": {
		cols: []string{"app_name", "app_id", "stage_id", "stage_attempt_id", "duration_skew", "shuffle_skew"},
		rows: [][]string{
			{"nightly-etl ✓ 日本", "app-1", "1", "1", "9.5", "12"},
			{"ad-hoc report", "app-2", "3", "0", "4", "0.5"},
			{"nightly-etl ✓ 日本", "app-1", "1", "0", "2", "3"},
			{"nightly-etl ✓ 日本", "app-1", "0", "0", "1.2", "0"},
			{"nightly-etl ✓ 日本", "app-4", "0", "0", "0", "0"},
		},
	},
	"cost_by_app": {
		cols: []string{"app_name", "runs", "cost_usd", "waste_usd"},
		rows: [][]string{
			{"nightly-etl ✓ 日本", "2", "20", "4.25"},
			{"ad-hoc report", "1", "3", "0.5"},
			{"streaming", "1", "1", "0"},
		},
	},
	"failed_apps": {
		cols: []string{"app_id", "app_name", "user", "exit_code", "failed_jobs"},
		rows: [][]string{{"app-2", "ad-hoc report", "bo", "1", "1"}},
	},
	"diagnoses": {
		cols: []string{"app_id", "app_name", "key", "current", "proposed"},
		rows: [][]string{{"app-1", "nightly-etl ✓ 日本", "spark.sql.adaptive.skewJoin.enabled", "false", "true"}},
	},
}

// project returns the named columns of rows as strings ("<nil>" for NULL).
func project(rows []duckdbtest.Row, cols []string) [][]string {
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		var vals []string
		for _, c := range cols {
			v, ok := r[c]
			if !ok {
				v = "<missing column>"
			}
			vals = append(vals, fmt.Sprint(v))
		}
		out = append(out, vals)
	}
	return out
}
