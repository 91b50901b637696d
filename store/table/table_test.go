package table_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/sparkmine/sparkmine/store/table"
)

// event is a row type with every kind of column the real tables use.
type event struct {
	ID     string   `parquet:"id,zstd"`
	Start  *int64   `parquet:"start,optional,timestamp(millisecond:utc)"`
	At     int64    `parquet:"at,timestamp(millisecond:utc)"`
	Count  int64    `parquet:"count"`
	Ratio  float64  `parquet:"ratio"`
	OK     bool     `parquet:"ok"`
	Parent *int64   `parquet:"parent,optional"`
	Tags   []string `parquet:"tags,list"`
	Items  []item   `parquet:"items,list"`
}

type item struct {
	Key   string  `parquet:"key,zstd"`
	Value float64 `parquet:"value"`
}

// eventV2 is event with columns added later, as the contract allows.
type eventV2 struct {
	ID     string   `parquet:"id,zstd"`
	Start  *int64   `parquet:"start,optional,timestamp(millisecond:utc)"`
	At     int64    `parquet:"at,timestamp(millisecond:utc)"`
	Count  int64    `parquet:"count"`
	Ratio  float64  `parquet:"ratio"`
	OK     bool     `parquet:"ok"`
	Parent *int64   `parquet:"parent,optional"`
	Tags   []string `parquet:"tags,list"`
	Items  []item   `parquet:"items,list"`
	Added  *int64   `parquet:"added,optional"`
	Note   string   `parquet:"note,zstd"`
}

func ptr[T any](v T) *T { return &v }

const (
	nov25 = int64(1764028800000) // 2025-11-25T00:00:00Z
	nov26 = nov25 + 86_400_000
)

func eventDay(e event) string { return table.Day(e.At) }

func sampleEvents() []event {
	return []event{
		{ID: "b", Start: ptr(nov26 + 1), At: nov26 + 5, Count: 2, Ratio: 0.5, OK: true, Tags: []string{"x", "ü"}},
		{ID: "a", At: nov25 + 86_399_999, Count: -1, Parent: ptr(int64(7)), Items: []item{{"k", 1.5}, {"日本", 2}}},
		{ID: "c", Start: ptr(nov25), At: nov25, Tags: []string{}, Items: []item{}},
	}
}

var run = table.PartName{RunID: "20251126T020000Z-ab12", Shard: "0of1"}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	in := sampleEvents()
	keys, err := table.WriteTable(ctx, st, "events", in, eventDay, run)
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{
		"events/dt=2025-11-25/part-20251126T020000Z-ab12-0of1-00000.parquet",
		"events/dt=2025-11-26/part-20251126T020000Z-ab12-0of1-00001.parquet",
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantKeys, st.keys()); diff != "" {
		t.Errorf("stored objects (-want +got):\n%s", diff)
	}
	got, err := table.ReadTable[event](ctx, st, "events", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []event{in[1], in[2], in[0]} // by day, input order within a day
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReadTableDayFilter(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	if _, err := table.WriteTable(ctx, st, "events", sampleEvents(), eventDay, run); err != nil {
		t.Fatal(err)
	}
	got, err := table.ReadTable[event](ctx, st, "events", func(day string) bool { return day >= "2025-11-26" })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "b" {
		t.Errorf("rows of 2025-11-26 = %+v, want the one row b", got)
	}
}

func TestReadTableSkipsOtherKeys(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	if _, err := table.WriteTable(ctx, st, "events", sampleEvents()[:1], eventDay, run); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{
		"events/dt=2025-11-26/_SUCCESS",
		"events/dt=2025-11-26/_tmp.parquet",
		"events/dt=2025-11-26/.part.parquet.crc",
		"events/dt=2025-11-26/notes.txt",
		"events/dt=2025-11-26/sub/part-x.parquet",
		"events/readme.parquet",
		"events_old/dt=2025-11-26/part-x.parquet",
	} {
		if err := st.Put(ctx, k, strings.NewReader("not parquet")); err != nil {
			t.Fatal(err)
		}
	}
	got, err := table.ReadTable[event](ctx, st, "events", nil)
	if err != nil {
		t.Fatalf("ReadTable read a key it should skip: %v", err)
	}
	if len(got) != 1 {
		t.Errorf("got %d rows, want 1", len(got))
	}
}

func TestReadTableEmpty(t *testing.T) {
	got, err := table.ReadTable[event](context.Background(), newMemStore(), "events", nil)
	if err != nil || len(got) != 0 {
		t.Errorf("ReadTable of no parts = %v, %v; want no rows, no error", got, err)
	}
	keys, err := table.WriteTable(context.Background(), newMemStore(), "events", []event(nil), eventDay, run)
	if err != nil || len(keys) != 0 {
		t.Errorf("WriteTable of no rows = %v, %v; want no keys, no error", keys, err)
	}
}

func TestReadTableCorruptPart(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	key := "events/dt=2025-11-26/part-bad.parquet"
	if err := st.Put(ctx, key, strings.NewReader("PAR1 truncated")); err != nil {
		t.Fatal(err)
	}
	_, err := table.ReadTable[event](ctx, st, "events", nil)
	if err == nil || !strings.Contains(err.Error(), key) {
		t.Errorf("ReadTable of a corrupt part: err = %v, want an error naming %s", err, key)
	}
}

func TestWriteTableSplitsLargeDays(t *testing.T) {
	defer table.SetMaxPartRows(2)()
	ctx := context.Background()
	st := newMemStore()
	var in []event
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		in = append(in, event{ID: id, At: nov25})
	}
	name := run
	name.Seq = 7
	keys, err := table.WriteTable(ctx, st, "events", in, eventDay, name)
	if err != nil {
		t.Fatal(err)
	}
	var suffixes []string
	for _, k := range keys {
		suffixes = append(suffixes, k[strings.LastIndex(k, "-")+1:])
	}
	if want := []string{"00007.parquet", "00008.parquet", "00009.parquet"}; !slices.Equal(suffixes, want) {
		t.Errorf("part numbers %v, want %v", suffixes, want)
	}
	got, err := table.ReadTable[event](ctx, st, "events", nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestWriteTableRefuses(t *testing.T) {
	bad := map[string]struct {
		table string
		name  table.PartName
		dayOf func(event) string
	}{
		"empty table":   {"", run, eventDay},
		"nested table":  {"a/b", run, eventDay},
		"hidden table":  {"_sparkmine", run, eventDay},
		"no run id":     {"events", table.PartName{Shard: "0of1"}, eventDay},
		"slash in run":  {"events", table.PartName{RunID: "a/b", Shard: "0of1"}, eventDay},
		"no shard":      {"events", table.PartName{RunID: "r"}, eventDay},
		"negative seq":  {"events", table.PartName{RunID: "r", Shard: "0of1", Seq: -1}, eventDay},
		"bad day":       {"events", run, func(event) string { return "2025-13-01" }},
		"day with time": {"events", run, func(event) string { return "2025-11-25T00" }},
		"empty day":     {"events", run, func(event) string { return "" }},
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			st := newMemStore()
			_, err := table.WriteTable(context.Background(), st, c.table, sampleEvents(), c.dayOf, c.name)
			if err == nil {
				t.Error("WriteTable succeeded")
			}
			if n := len(st.keys()); n != 0 {
				t.Errorf("WriteTable left %d objects behind", n)
			}
		})
	}
}

func TestWriteTableBadSchema(t *testing.T) {
	type badRow struct {
		N string `parquet:"n,timestamp"` // a timestamp must be an integer or time.Time
	}
	_, err := table.WriteTable(context.Background(), newMemStore(), "bad", []badRow{{"x"}}, func(badRow) string { return "2025-11-25" }, run)
	if err == nil || !strings.Contains(err.Error(), "bad parquet schema") {
		t.Errorf("err = %v, want a bad parquet schema error", err)
	}
}

// TestEmbeddedStruct: a row type may embed structs at its top level (the
// apps table joins extract's and analyze's parts); their fields are
// columns, and a NULL optional field reads back NULL, not as a pointer to
// zero (parquet-go v0.32 reads embedded structs so; the reader flattens).
// Embedding below the top level is refused.
func TestEmbeddedStruct(t *testing.T) {
	type base struct {
		Parent *int64 `parquet:"parent,optional"`
		Name   string `parquet:"name"`
	}
	type extra struct {
		Cost float64 `parquet:"cost"`
	}
	type row struct {
		base
		ID string `parquet:"id"`
		extra
	}
	ctx, st, one := context.Background(), newMemStore(), int64(1)
	want := []row{{ID: "a", base: base{Name: "n"}}, {ID: "b", base: base{Parent: &one}, extra: extra{Cost: 2.5}}}
	if _, err := table.WriteTable(ctx, st, "rows", want, func(row) string { return "2025-11-25" }, run); err != nil {
		t.Fatal(err)
	}
	got, err := table.ReadTable[row](ctx, st, "rows", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	type flat struct {
		Parent *int64  `parquet:"parent,optional"`
		ID     string  `parquet:"id"`
		Cost   float64 `parquet:"cost"`
	}
	plain, err := table.ReadTable[flat](ctx, st, "rows", nil)
	if err != nil || len(plain) != 2 || plain[0].Parent != nil || plain[1].Cost != 2.5 {
		t.Errorf("as plain columns: %+v, %v", plain, err)
	}
	type nested struct {
		Kids []row `parquet:"kids,list"`
	}
	_, err = table.WriteTable(ctx, st, "nested", []nested{{}}, func(nested) string { return "2025-11-25" }, run)
	if err == nil || !strings.Contains(err.Error(), "embedded") {
		t.Errorf("err = %v, want an embedded struct error below the top level", err)
	}
}

func TestWriteTablePutFails(t *testing.T) {
	st := newMemStore()
	st.failPut = func(key string) error {
		if strings.Contains(key, "dt=2025-11-26") {
			return errInjected
		}
		return nil
	}
	keys, err := table.WriteTable(context.Background(), st, "events", sampleEvents(), eventDay, run)
	if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "events/dt=2025-11-26/part-") {
		t.Errorf("err = %v, want the put error naming the key", err)
	}
	if diff := cmp.Diff(st.keys(), keys); diff != "" {
		t.Errorf("keys returned with the error differ from those written (-written +returned):\n%s", diff)
	}
}

func TestReadAddedColumns(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	old := sampleEvents()
	if _, err := table.WriteTable(ctx, st, "events", old, eventDay, run); err != nil {
		t.Fatal(err)
	}
	got, err := table.ReadTable[eventV2](ctx, st, "events", nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []eventV2
	for _, e := range []event{old[1], old[2], old[0]} {
		want = append(want, eventV2{ID: e.ID, Start: e.Start, At: e.At, Count: e.Count, Ratio: e.Ratio, OK: e.OK, Parent: e.Parent, Tags: e.Tags, Items: e.Items})
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("old parts read with a newer row type (-want +got):\n%s", diff)
	}
}

func TestDay(t *testing.T) {
	for ms, want := range map[int64]string{
		0:                  "1970-01-01",
		-1:                 "1969-12-31",
		nov25:              "2025-11-25",
		nov25 + 86_399_999: "2025-11-25",
		nov26:              "2025-11-26",
	} {
		if got := table.Day(ms); got != want {
			t.Errorf("Day(%d) = %s, want %s", ms, got, want)
		}
	}
}

// TestFileFormat checks what a part file says about itself: zstd on every
// column, the run in its metadata, the logical types the contract promises.
func TestFileFormat(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	keys, err := table.WriteTable(ctx, st, "events", sampleEvents(), eventDay, run)
	if err != nil {
		t.Fatal(err)
	}
	f := openPart(t, st, keys[0])
	for k, want := range map[string]string{"sparkmine.run_id": run.RunID, "sparkmine.shard": "0of1", "sparkmine.table": "events"} {
		if got, _ := f.Lookup(k); got != want {
			t.Errorf("metadata %s = %q, want %q", k, got, want)
		}
	}
	if cb := f.Metadata().CreatedBy; !strings.HasPrefix(cb, "sparkmine version ") {
		t.Errorf("created_by = %q, want sparkmine version …", cb)
	}
	for _, rg := range f.Metadata().RowGroups {
		for _, c := range rg.Columns {
			if c.MetaData.Codec != format.Zstd {
				t.Errorf("column %v: codec %v, want ZSTD", c.MetaData.PathInSchema, c.MetaData.Codec)
			}
		}
	}
	checkLogicalTypes(t, f.Schema())
}

func checkLogicalTypes(t *testing.T, s *parquet.Schema) {
	t.Helper()
	const utcMillis = "TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)"
	for _, c := range []struct {
		col, logical string
		optional     bool
	}{
		{"id", "STRING", false},
		{"start", utcMillis, true},
		{"at", utcMillis, false},
		{"parent", "INT(64,true)", true},
		{"tags", "LIST", false},
		{"items", "LIST", false},
	} {
		f, ok := fieldOf(s, c.col)
		if !ok {
			t.Errorf("column %s missing", c.col)
			continue
		}
		if f.Optional() != c.optional {
			t.Errorf("column %s: optional %v, want %v", c.col, f.Optional(), c.optional)
		}
		if l := logical(f); l != c.logical {
			t.Errorf("column %s: logical type %q, want %q", c.col, l, c.logical)
		}
	}
	// The standard three-level list: <col> (LIST) > repeated group list > element.
	items, _ := fieldOf(s, "items")
	if l := items.Fields(); len(l) != 1 || l[0].Name() != "list" || !l[0].Repeated() || l[0].Fields()[0].Name() != "element" {
		t.Errorf("items is not a three-level LIST: %v", items)
	}
}

func logical(f parquet.Field) string {
	if l := f.Type().LogicalType(); l != nil {
		return l.String()
	}
	return ""
}

func fieldOf(s *parquet.Schema, name string) (parquet.Field, bool) {
	for _, f := range s.Fields() {
		if f.Name() == name {
			return f, true
		}
	}
	return nil, false
}

func openPart(t *testing.T, st *memStore, key string) *parquet.File {
	t.Helper()
	b := st.objects[key]
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	return f
}
