package table

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/parquet-go/parquet-go"
)

// A row type may embed structs at its top level (a table whose row is
// joined from two producers' parts, as apps joins extract's and analyze's
// columns): their fields are the row's columns, as if written out. Writing
// such a type is parquet-go's own; reading goes through a flat copy of the
// type, because parquet-go (v0.32) reads a NULL optional field of an
// embedded struct back as a pointer to zero.

// flatType returns a struct type with t's columns and no embedded field,
// and the index path in t of each of its fields; nil when t embeds nothing.
func flatType(t reflect.Type) (reflect.Type, [][]int) {
	var fields []reflect.StructField
	var paths [][]int
	embeds := false
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous {
			embeds = true
			continue
		}
		if f.IsExported() {
			paths = append(paths, f.Index)
			fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		}
	}
	if !embeds {
		return nil, nil
	}
	return reflect.StructOf(fields), paths
}

// decodeFlat reads the rows of one Parquet file through flat (see
// flatType) and copies each into a T.
func decodeFlat[T any](data []byte, flat reflect.Type, paths [][]int) ([]T, error) {
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("decode parquet: %w", err)
	}
	v := reflect.New(flat)
	r := parquet.NewReader(f, parquet.SchemaOf(v.Interface()))
	defer r.Close()
	rows := make([]T, 0, r.NumRows())
	for {
		v.Elem().SetZero()
		if err := r.Read(v.Interface()); errors.Is(err, io.EOF) {
			return rows, nil
		} else if err != nil {
			return nil, fmt.Errorf("decode parquet: %w", err)
		}
		var row T
		rv := reflect.ValueOf(&row).Elem()
		for i, p := range paths {
			rv.FieldByIndex(p).Set(v.Elem().Field(i))
		}
		rows = append(rows, row)
	}
}
