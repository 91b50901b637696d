package table

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/sparkmine/sparkmine/store"
)

// ReadTable reads every part of table whose day passes the filter (nil reads
// every day) and returns their rows, in key order: days ascending, then part
// names. Only keys of the form <table>/dt=<day>/<name>.parquet are read;
// other keys, and names starting with "_" or "." (Hive's hidden files), are
// skipped. A table with no parts gives no rows and no error.
//
// Columns of T missing from a part (an older file, before a column was
// added) read as zero values; columns of the file missing from T are not read.
func ReadTable[T any](ctx context.Context, st store.Store, table string, days func(day string) bool) ([]T, error) {
	if err := checkTable(table); err != nil {
		return nil, err
	}
	if err := checkSchema[T](); err != nil {
		return nil, fmt.Errorf("read table %s: %w", table, err)
	}
	parts, err := listParts(ctx, st, table, days)
	if err != nil {
		return nil, err
	}
	var rows []T
	for _, p := range parts {
		got, err := readPart[T](ctx, st, p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
	}
	return rows, nil
}

// listParts returns the part files of table whose day passes the filter.
func listParts(ctx context.Context, st store.Store, table string, days func(string) bool) ([]store.ObjectInfo, error) {
	var parts []store.ObjectInfo
	err := st.List(ctx, table+"/dt=", func(o store.ObjectInfo) error {
		day, ok := partDay(table, o.Key)
		if ok && (days == nil || days(day)) {
			parts = append(parts, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read table %s: list parts: %w", table, err)
	}
	return parts, nil
}

// partDay returns the day of a key <table>/dt=<day>/<name>.parquet, and
// whether the key has that form.
func partDay(table, key string) (string, bool) {
	el := strings.Split(key, "/")
	if len(el) != 3 || el[0] != table || !strings.HasPrefix(el[1], "dt=") {
		return "", false
	}
	name := el[2]
	if path.Ext(name) != ".parquet" || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
		return "", false
	}
	day := strings.TrimPrefix(el[1], "dt=")
	return day, day != ""
}

// readPart reads one whole part into memory and decodes it.
func readPart[T any](ctx context.Context, st store.Store, o store.ObjectInfo) ([]T, error) {
	data, err := readAll(ctx, st, o)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.Key, err)
	}
	rows, err := decode[T](data)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", st.URI(o.Key), err)
	}
	return rows, nil
}

func readAll(ctx context.Context, st store.Store, o store.ObjectInfo) ([]byte, error) {
	rc, err := st.Open(ctx, o.Key, 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, max(o.Size, 0)+bytes.MinRead))
	if _, err := buf.ReadFrom(rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decode reads the rows of one Parquet file. parquet-go panics on some
// malformed files and incompatible schemas; that panic becomes an error.
func decode[T any](data []byte) (rows []T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decode parquet: %v", r)
		}
	}()
	if flat, paths := flatType(reflect.TypeFor[T]()); flat != nil {
		return decodeFlat[T](data, flat, paths)
	}
	rows, err = parquet.Read[T](bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("decode parquet: %w", err)
	}
	return rows, nil
}

// ReadPart reads the rows of one part file (a key ReadTable would read).
func ReadPart[T any](ctx context.Context, st store.Store, key string) ([]T, error) {
	if err := checkSchema[T](); err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return readPart[T](ctx, st, store.ObjectInfo{Key: key})
}

// PartDay returns the day of a part key <table>/dt=<day>/<name>.parquet and
// whether key has that form.
func PartDay(key string) (string, bool) {
	table, _, _ := strings.Cut(key, "/")
	return partDay(table, key)
}
