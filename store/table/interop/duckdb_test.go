package interop_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

// tableCase is one table of the dataset: its name, row type and planted rows.
type tableCase struct {
	name string
	typ  reflect.Type
	rows any // []T
}

var tables = []tableCase{
	{"apps", reflect.TypeFor[analyze.AppRecord](), apps()},
	{"stages", reflect.TypeFor[extract.StageRow](), stages()},
	{"executors", reflect.TypeFor[extract.ExecutorRow](), executors()},
	{"findings", reflect.TypeFor[analyze.FindingRow](), findings()},
	{"diagnoses", reflect.TypeFor[analyze.DiagnosisRow](), diagnoses()},
}

func scan(root, name string) string {
	return fmt.Sprintf("read_parquet('%s/%s/*/*.parquet', hive_partitioning = true)", root, name)
}

// TestDuckDBSchema: DuckDB sees every column of every row type, in order,
// under its parquet name, with the type the contract promises, plus dt.
func TestDuckDBSchema(t *testing.T) {
	db := duckdbtest.Open(t)
	root := writeDataset(t)
	var stmts []string
	for _, tc := range tables {
		stmts = append(stmts, "DESCRIBE SELECT * FROM "+scan(root, tc.name))
	}
	for i, res := range db.Query(t, stmts...) {
		tc := tables[i]
		var got []string
		for _, r := range res {
			got = append(got, fmt.Sprint(r["column_name"], " ", r["column_type"]))
		}
		want := append(duckColumns(tc.typ), "dt DATE")
		if diff := cmp.Diff(want, unquote(got)); diff != "" {
			t.Errorf("%s: DESCRIBE (-want +got):\n%s", tc.name, diff)
		}
		t.Logf("%s:\n%s", tc.name, strings.Join(got, "\n"))
	}
}

// TestDuckDBSchemaExact pins a few columns exactly as DuckDB prints them.
func TestDuckDBSchemaExact(t *testing.T) {
	db := duckdbtest.Open(t)
	root := writeDataset(t)
	res := db.Query(t,
		"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+scan(root, "findings")+") WHERE column_name IN ('stage_id', 'evidence', 'recommendations')",
		"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+scan(root, "apps")+") WHERE column_name IN ('start_time', 'utilization', 'in_progress')",
	)
	want := [][]duckdbtest.Row{
		{
			{"column_name": "stage_id", "column_type": "BIGINT"},
			{"column_name": "evidence", "column_type": `STRUCT(metric VARCHAR, "value" DOUBLE, threshold DOUBLE)[]`},
			{"column_name": "recommendations", "column_type": `STRUCT("key" VARCHAR, "current" VARCHAR, proposed VARCHAR, reason VARCHAR, alternative VARCHAR, checks VARCHAR[])[]`},
		},
		{
			{"column_name": "start_time", "column_type": "TIMESTAMP WITH TIME ZONE"},
			{"column_name": "utilization", "column_type": "DOUBLE"},
			{"column_name": "in_progress", "column_type": "BOOLEAN"},
		},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("DESCRIBE (-want +got):\n%s", diff)
	}
}

// TestDuckDBRows: every row of every table reads back through DuckDB equal
// to what was written: timestamps to the millisecond, NULLs as NULL, lists
// with their contents, empty lists as empty lists.
func TestDuckDBRows(t *testing.T) {
	db := duckdbtest.Open(t)
	root := writeDataset(t)
	var stmts []string
	for _, tc := range tables {
		stmts = append(stmts, fmt.Sprintf("SELECT to_json(t)::VARCHAR AS row FROM (SELECT * EXCLUDE (dt) %s FROM %s) AS t",
			epochMSReplace(tc.typ), scan(root, tc.name)))
	}
	for i, res := range db.Query(t, stmts...) {
		tc := tables[i]
		var got []string
		for _, r := range res {
			got = append(got, canonical(t, []byte(r["row"].(string)), nil))
		}
		want := expectedRows(t, tc)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: rows read by DuckDB (-written +read):\n%s", tc.name, diff)
		}
	}
}

// TestDuckDBValues spells out the checks the rows test makes generically.
func TestDuckDBValues(t *testing.T) {
	db := duckdbtest.Open(t)
	root := writeDataset(t)
	res := db.Query(t,
		"SET TimeZone = 'UTC'",
		"SELECT dt::VARCHAR AS dt, count(*) AS n FROM "+scan(root, "apps")+" GROUP BY dt ORDER BY dt",
		"SELECT epoch_ms(start_time) AS ms, start_time::VARCHAR AS utc, end_time IS NULL AS open, exit_code FROM "+scan(root, "apps")+" WHERE app_id IN ('app-1', 'app-3') ORDER BY app_id",
		"SELECT app_name, count(*) AS n FROM "+scan(root, "apps")+" WHERE app_name = 'nightly-etl ✓ 日本' GROUP BY app_name",
		"SELECT detector, stage_id, len(evidence) AS ev, evidence[2].metric AS m2, recommendations[1].proposed AS p1 FROM "+scan(root, "findings")+" ORDER BY score DESC",
		"SELECT r.key, r.\"current\" AS cur FROM "+scan(root, "findings")+" AS f, unnest(f.recommendations) AS u(r) ORDER BY r.key",
		"SELECT code_advice, rejected_keys, [c.key FOR c IN configs IF NOT c.valid] AS invalid FROM "+scan(root, "diagnoses")+" ORDER BY app_id",
	)[1:]
	want := [][]duckdbtest.Row{
		{{"dt": "2026-11-25", "n": "2"}, {"dt": "2026-11-26", "n": "2"}},
		{
			{"ms": "1795568400123", "utc": "2026-11-25 01:00:00.123+00", "open": false, "exit_code": "0"},
			{"ms": "1795651200005", "utc": "2026-11-26 00:00:00.005+00", "open": true, "exit_code": nil},
		},
		{{"app_name": "nightly-etl ✓ 日本", "n": "2"}},
		{
			{"detector": "shuffle_skew", "stage_id": "1", "ev": "2", "m2": "task_shuffle_read_bytes_max", "p1": "true"},
			{"detector": "idle_executors", "stage_id": nil, "ev": "0", "m2": nil, "p1": nil},
			{"detector": "failed_jobs", "stage_id": nil, "ev": "1", "m2": nil, "p1": nil},
			{"detector": "tiny_tasks", "stage_id": "0", "ev": "1", "m2": nil, "p1": "24"},
		},
		{{"key": "spark.sql.adaptive.skewJoin.enabled", "cur": "false"}, {"key": "spark.sql.shuffle.partitions", "cur": ""}},
		{
			{"code_advice": []any{"Salt the customer_id join key"}, "rejected_keys": []any{"spark.fake.key"}, "invalid": []any{"spark.fake.key"}},
			{"code_advice": []any{}, "rejected_keys": []any{}, "invalid": []any{}},
		},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("query results (-want +got):\n%s", diff)
	}
}

// TestDuckDBFileMetadata: DuckDB sees zstd on every column chunk and the run
// in the key/value metadata.
func TestDuckDBFileMetadata(t *testing.T) {
	db := duckdbtest.Open(t)
	root := writeDataset(t)
	glob := fmt.Sprintf("'%s/*/*/*.parquet'", root)
	res := db.Query(t,
		"SELECT DISTINCT compression FROM parquet_metadata("+glob+")",
		"SELECT DISTINCT decode(value) AS run FROM parquet_kv_metadata("+glob+") WHERE decode(key) = 'sparkmine.run_id'",
		"SELECT count(DISTINCT file_name) AS files FROM parquet_metadata("+glob+")",
	)
	want := [][]duckdbtest.Row{
		{{"compression": "ZSTD"}},
		{{"run": run.RunID}},
		{{"files": "9"}}, // apps, stages, findings, diagnoses: 2 days each; executors: 1
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
}

// duckColumns returns "name TYPE" for each column of a row type, as DuckDB
// should describe it (struct field names unquoted; see unquote).
func duckColumns(t reflect.Type) []string {
	var cols []string
	for _, f := range columnFields(t) {
		name, tag := parquetTag(f)
		cols = append(cols, name+" "+duckType(f.Type, tag))
	}
	return cols
}

// columnFields are a row type's column fields: an embedded struct's fields
// are columns of the row (the apps table joins extract's and analyze's);
// unexported fields are not stored.
func columnFields(t reflect.Type) []reflect.StructField {
	var fs []reflect.StructField
	for _, f := range reflect.VisibleFields(t) {
		if !f.Anonymous && f.IsExported() {
			fs = append(fs, f)
		}
	}
	return fs
}

func duckType(t reflect.Type, tag string) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int64:
		if strings.Contains(tag, "timestamp(millisecond:utc)") {
			return "TIMESTAMP WITH TIME ZONE"
		}
		return "BIGINT"
	case reflect.Float64:
		return "DOUBLE"
	case reflect.Bool:
		return "BOOLEAN"
	case reflect.String:
		return "VARCHAR"
	case reflect.Slice:
		return duckType(t.Elem(), "") + "[]"
	case reflect.Struct:
		return "STRUCT(" + strings.Join(duckColumns(t), ", ") + ")"
	}
	return "unexpected Go type " + t.String()
}

func parquetTag(f reflect.StructField) (name, tag string) {
	tag = f.Tag.Get("parquet")
	name, _, _ = strings.Cut(tag, ",")
	return name, tag
}

// unquote drops the quotes DuckDB puts around struct field names that are
// keywords ("key", "value", …).
func unquote(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = strings.ReplaceAll(c, `"`, "")
	}
	return out
}

// epochMSReplace returns a REPLACE clause turning each timestamp column back
// into epoch milliseconds, the unit of the Go fields ("" when none).
func epochMSReplace(t reflect.Type) string {
	var repl []string
	for _, f := range columnFields(t) {
		if name, tag := parquetTag(f); strings.Contains(tag, "timestamp(") {
			repl = append(repl, fmt.Sprintf("epoch_ms(%s) AS %s", name, name))
		}
	}
	if len(repl) == 0 {
		return ""
	}
	return "REPLACE (" + strings.Join(repl, ", ") + ")"
}

// expectedRows returns the planted rows of tc as canonical JSON, sorted.
// The json tags of the row types equal their parquet names.
func expectedRows(t *testing.T, tc tableCase) []string {
	v := reflect.ValueOf(tc.rows)
	var rows []string
	for i := range v.Len() {
		b, err := json.Marshal(v.Index(i).Interface())
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, canonical(t, zeroAsNull(t, b, tc.typ), listColumns(tc.typ)))
	}
	slices.Sort(rows)
	return rows
}

// zeroAsNull sets to null the zero values of b's value (non-pointer)
// columns tagged "optional", which the writer stores as NULL.
func zeroAsNull(t *testing.T, b []byte, typ reflect.Type) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range columnFields(typ) {
		name, tag := parquetTag(f)
		if f.Type.Kind() != reflect.Pointer && slices.Contains(strings.Split(tag, ","), "optional") {
			if v := string(m[name]); v == `""` || v == "0" {
				m[name] = json.RawMessage("null")
			}
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func listColumns(t reflect.Type) []string {
	var lists []string
	for _, f := range columnFields(t) {
		if f.Type.Kind() == reflect.Slice {
			name, _ := parquetTag(f)
			lists = append(lists, name)
		}
	}
	return lists
}

// canonical re-encodes a JSON object with every number as a float64 (DuckDB
// writes 12.0 where Go writes 12) and nil lists as empty ones (a required
// LIST column holds [] for a nil slice).
func canonical(t *testing.T, b []byte, lists []string) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	for _, l := range lists {
		if m[l] == nil {
			m[l] = []any{}
		}
		// A list inside a list's element (a recommendation's checks) is
		// the only nullable thing there: nil reads back as [] too.
		elems, _ := m[l].([]any)
		for _, e := range elems {
			if o, ok := e.(map[string]any); ok {
				for k, v := range o {
					if v == nil {
						o[k] = []any{}
					}
				}
			}
		}
	}
	out, err := json.Marshal(numbersToFloat(m))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func numbersToFloat(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return string(v)
		}
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = numbersToFloat(e)
		}
	case []any:
		for i, e := range v {
			v[i] = numbersToFloat(e)
		}
	}
	return v
}
