//go:build cgo

package sqldb

import (
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// WriteArrow writes res as an Arrow IPC stream of one record batch:
// integers as int64 (UBIGINT as uint64), floating and DECIMAL numbers as
// float64, BOOLEAN as bool, DATE as date32, timestamps as timestamp[ms,
// UTC], and text and nested values as strings (nested ones as JSON, as
// Cell prints them).
func (res *Result) WriteArrow(w io.Writer) error {
	fields := make([]arrow.Field, len(res.Columns))
	for i, c := range res.Columns {
		fields[i] = arrow.Field{Name: c, Type: arrowType(res.Types[i]), Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, row := range res.Rows {
		for j, v := range row {
			if err := appendValue(b.Field(j), res.Types[j], v); err != nil {
				return fmt.Errorf("arrow: column %s: %w", res.Columns[j], err)
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	wr := ipc.NewWriter(w, ipc.WithSchema(schema))
	if err := wr.Write(rec); err != nil {
		return fmt.Errorf("arrow: %w", err)
	}
	return wr.Close()
}

// arrowType is the Arrow type of a DuckDB type.
func arrowType(typ string) arrow.DataType {
	switch {
	case typ == "BOOLEAN":
		return arrow.FixedWidthTypes.Boolean
	case typ == "UBIGINT":
		return arrow.PrimitiveTypes.Uint64
	case typ == "TINYINT", typ == "SMALLINT", typ == "INTEGER", typ == "BIGINT", typ == "HUGEINT",
		typ == "UTINYINT", typ == "USMALLINT", typ == "UINTEGER":
		return arrow.PrimitiveTypes.Int64
	case typ == "FLOAT", typ == "DOUBLE", strings.HasPrefix(typ, "DECIMAL"):
		return arrow.PrimitiveTypes.Float64
	case typ == "DATE":
		return arrow.FixedWidthTypes.Date32
	case strings.HasPrefix(typ, "TIMESTAMP"):
		return &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	}
	return arrow.BinaryTypes.String
}

// appendValue appends v to the builder of its column.
func appendValue(b array.Builder, typ string, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		return appendOK(ok, v, func() { b.Append(x) })
	case *array.Uint64Builder:
		x, ok := v.(uint64)
		return appendOK(ok, v, func() { b.Append(x) })
	case *array.Int64Builder:
		x, ok := toInt64(v)
		return appendOK(ok, v, func() { b.Append(x) })
	case *array.Float64Builder:
		x, ok := toFloat64(v)
		return appendOK(ok, v, func() { b.Append(x) })
	case *array.Date32Builder:
		x, ok := v.(time.Time)
		return appendOK(ok, v, func() { b.Append(arrow.Date32FromTime(x)) })
	case *array.TimestampBuilder:
		x, ok := v.(time.Time)
		return appendOK(ok, v, func() { b.Append(arrow.Timestamp(x.UnixMilli())) })
	case *array.StringBuilder:
		b.Append(Cell(typ, v))
		return nil
	}
	return fmt.Errorf("no arrow builder for %T", b)
}

func appendOK(ok bool, v any, add func()) error {
	if !ok {
		return fmt.Errorf("value %v of type %T", v, v)
	}
	add()
	return nil
}

func toInt64(v any) (int64, bool) {
	switch v := v.(type) {
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case *big.Int:
		return v.Int64(), v.IsInt64()
	}
	return 0, false
}

func toFloat64(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case floater:
		return v.Float64(), true
	}
	return 0, false
}
