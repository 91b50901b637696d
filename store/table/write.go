package table

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/sparkmine/sparkmine/store"
)

// rowGroupRows bounds a row group: big enough for fast scans, small enough
// that the writer's column buffers stay modest for wide tables.
const rowGroupRows = 64 * 1024

// maxPartRows bounds a part file, so that a huge day is split into several
// parts instead of one object held in memory. A variable for the tests.
var maxPartRows = 1 << 20

// dayLayout is the layout of a dt partition value.
const dayLayout = "2006-01-02"

// PartName names the part files of one writer:
// part-<RunID>-<Shard>-<n>.parquet, n counting up from Seq.
type PartName struct {
	RunID string // the run's id; also stored in each file's metadata
	Shard string // the writer's shard, e.g. "0of1"
	Seq   int    // number of the first part written
}

// File returns the base name of part n: part-<RunID>-<Shard>-<n>.parquet,
// n zero-padded to five digits. ParsePart reads it back.
func (p PartName) File(n int) string {
	return fmt.Sprintf("part-%s-%s-%05d.parquet", p.RunID, p.Shard, n)
}

// ParsePart reads the name of a part file (a bare name or a key ending in
// one) as File wrote it: the writer's run id and shard, and the part's
// number as Seq. The shard is the last dash-separated field before the
// number, so a run id may hold dashes. ok is false for any other name.
func ParsePart(key string) (name PartName, ok bool) {
	rest, ok1 := strings.CutPrefix(path.Base(key), "part-")
	rest, ok2 := strings.CutSuffix(rest, ".parquet")
	i := strings.LastIndexByte(rest, '-') // before the number
	if !ok1 || !ok2 || i < 0 {
		return PartName{}, false
	}
	j := strings.LastIndexByte(rest[:i], '-') // before the shard
	seq, err := strconv.Atoi(rest[i+1:])
	if j <= 0 || err != nil || strings.Trim(rest[i+1:], "0123456789") != "" {
		return PartName{}, false
	}
	return PartName{RunID: rest[:j], Shard: rest[j+1 : i], Seq: seq}, true
}

// check refuses names that would not make one clean path element.
func (p PartName) check() error {
	for _, f := range []struct{ what, v string }{{"run id", p.RunID}, {"shard", p.Shard}} {
		if f.v == "" || strings.ContainsAny(f.v, "/\\") {
			return fmt.Errorf("part name: bad %s %q", f.what, f.v)
		}
	}
	if p.Seq < 0 {
		return fmt.Errorf("part name: negative seq %d", p.Seq)
	}
	return nil
}

// Day returns the UTC day (YYYY-MM-DD) of an epoch-millisecond time: the dt
// partition of a row whose day is decided by that time.
func Day(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(dayLayout)
}

// WriteTable writes rows as Parquet part files of table, one or more per day
// that dayOf gives (a YYYY-MM-DD string, see Day), under
// <table>/dt=<day>/part-<run>-<shard>-<n>.parquet. Days are written in order,
// rows of a day in their input order, at most 1,048,576 rows per part. Parts
// are numbered name.Seq, name.Seq+1, … across the whole call, so a caller that
// writes the same table again in the same run passes Seq + len(keys).
//
// Each part is one atomic st.Put. It returns the keys written, in order; on
// error, the keys written before it (whole parts, which the caller may
// delete). No rows write no files.
func WriteTable[T any](ctx context.Context, st store.Store, table string, rows []T, dayOf func(T) string, name PartName) ([]string, error) {
	if err := checkTable(table); err != nil {
		return nil, err
	}
	if err := name.check(); err != nil {
		return nil, fmt.Errorf("write table %s: %w", table, err)
	}
	if err := checkSchema[T](); err != nil {
		return nil, fmt.Errorf("write table %s: %w", table, err)
	}
	days, byDay, err := groupByDay(rows, dayOf)
	if err != nil {
		return nil, fmt.Errorf("write table %s: %w", table, err)
	}
	var keys []string
	n := name.Seq
	for _, day := range days {
		for part := range slices.Chunk(byDay[day], maxPartRows) {
			key := fmt.Sprintf("%s/dt=%s/%s", table, day, name.File(n))
			if err := writePart(ctx, st, key, table, part, name); err != nil {
				return keys, err
			}
			keys = append(keys, key)
			n++
		}
	}
	return keys, nil
}

// groupByDay groups rows by their day, keeping input order within a day, and
// returns the days sorted.
func groupByDay[T any](rows []T, dayOf func(T) string) ([]string, map[string][]T, error) {
	byDay := make(map[string][]T)
	for i, r := range rows {
		day := dayOf(r)
		if _, ok := byDay[day]; !ok {
			if err := checkDay(day); err != nil {
				return nil, nil, fmt.Errorf("row %d: %w", i, err)
			}
		}
		byDay[day] = append(byDay[day], r)
	}
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	return days, byDay, nil
}

// writePart encodes one part in memory and puts it under key.
func writePart[T any](ctx context.Context, st store.Store, key, table string, rows []T, name PartName) error {
	buf, err := encode(rows, table, name)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	if err := st.Put(ctx, key, buf); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// encode returns rows as one zstd-compressed Parquet file.
func encode[T any](rows []T, table string, name PartName) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, writerOptions(table, name)...)
	if _, err := w.Write(rows); err != nil {
		return nil, fmt.Errorf("encode parquet: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encode parquet: %w", err)
	}
	return &buf, nil
}

// Metadata keys written into every part's key/value metadata.
const (
	MetaTable = "sparkmine.table"
	MetaRunID = "sparkmine.run_id"
	MetaShard = "sparkmine.shard"
)

// dictionaryMaxBytes bounds a column's dictionary in a row group; past it
// the column goes on in PLAIN, as parquet-mr does past its 1 MiB page.
const dictionaryMaxBytes = 1 << 20

// writerOptions write what every engine reads: data page v1 (Spark's
// vectorized reader before 3.4 refuses DELTA_* encodings, SPARK-40128,
// and parquet-go's default for strings is DELTA_LENGTH_BYTE_ARRAY in v2
// pages); strings dictionary-encoded (RLE_DICTIONARY, falling back to
// PLAIN for a column whose dictionary outgrows dictionaryMaxBytes); every
// other type PLAIN; levels RLE.
func writerOptions(table string, name PartName) []parquet.WriterOption {
	version, build := buildVersion()
	return []parquet.WriterOption{
		parquet.DataPageVersion(1),
		parquet.DefaultEncodingFor(parquet.ByteArray, &parquet.RLEDictionary),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy("sparkmine", version, build),
		parquet.KeyValueMetadata(MetaTable, table),
		parquet.KeyValueMetadata(MetaRunID, name.RunID),
		parquet.KeyValueMetadata(MetaShard, name.Shard),
	}
}

// buildVersion returns the main module's version and VCS revision as the
// Go toolchain stamped them ("(devel)" and "" in a plain go build or test).
func buildVersion() (version, build string) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown", ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			build = s.Value
		}
	}
	return info.Main.Version, build
}

// checkSchema refuses row types parquet-go would mishandle, and turns its
// panic on a bad struct tag into an error.
func checkSchema[T any]() (err error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("row type %v: want a struct", t)
	}
	if err := checkEmbedded(t); err != nil {
		return fmt.Errorf("row type %v: %w", t, err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("row type %v: bad parquet schema: %v", t, r)
		}
	}()
	parquet.SchemaOf(new(T))
	return nil
}

// checkEmbedded refuses embedded struct fields below the top level of t
// (the reader flattens only the top level: see flatType) and embedded
// pointers.
func checkEmbedded(t reflect.Type) error {
	for f := range t.Fields() {
		switch {
		case f.Anonymous && f.Type.Kind() != reflect.Struct:
			return fmt.Errorf("embedded field %s is not a struct: name it", f.Name)
		case f.Anonymous:
			if err := checkEmbedded(f.Type); err != nil {
				return err
			}
		default:
			if err := checkNoEmbedded(f.Type, map[reflect.Type]bool{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkNoEmbedded refuses embedded struct fields anywhere in t (a column's
// type): parquet-go (v0.32) reads a NULL optional field of an embedded
// struct back as a pointer to zero.
func checkNoEmbedded(t reflect.Type, seen map[reflect.Type]bool) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	for f := range t.Fields() {
		if f.Anonymous {
			return fmt.Errorf("embedded struct field %s is not supported: name its fields", f.Name)
		}
		if err := checkNoEmbedded(f.Type, seen); err != nil {
			return err
		}
	}
	return nil
}

func checkTable(table string) error {
	if table == "" || strings.ContainsAny(table, "/\\") || strings.HasPrefix(table, "_") || strings.HasPrefix(table, ".") {
		return fmt.Errorf("table name %q: %w: want one plain path element", table, store.ErrBadKey)
	}
	return nil
}

func checkDay(day string) error {
	t, err := time.Parse(dayLayout, day)
	if err != nil || t.Format(dayLayout) != day {
		return fmt.Errorf("bad day %q: want YYYY-MM-DD", day)
	}
	return nil
}
