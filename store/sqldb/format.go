package sqldb

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The formats a Result is written in (Write).
const (
	FormatTable = "table" // aligned columns for a terminal
	FormatCSV   = "csv"   // RFC 4180, a header line first
	FormatJSON  = "json"  // an array of objects by column name
	FormatArrow = "arrow" // an Arrow IPC stream, for pandas and polars
)

// Formats are the formats Write knows.
var Formats = []string{FormatTable, FormatCSV, FormatJSON, FormatArrow}

// Write writes res to w in format.
func (res *Result) Write(w io.Writer, format string) error {
	switch format {
	case FormatTable:
		return res.writeTable(w)
	case FormatCSV:
		return res.writeCSV(w)
	case FormatJSON:
		return res.writeJSON(w)
	case FormatArrow:
		return res.WriteArrow(w)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

func (res *Result) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(res.Columns, "\t"))
	for _, row := range res.Cells() {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

func (res *Result) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(res.Columns); err != nil {
		return err
	}
	if err := cw.WriteAll(res.Cells()); err != nil {
		return err
	}
	return cw.Error()
}

func (res *Result) writeJSON(w io.Writer) error {
	out := make([]map[string]any, len(res.Rows))
	for i, r := range res.Rows {
		m := make(map[string]any, len(r))
		for j, c := range res.Columns {
			m[c] = JSONValue(res.Types[j], r[j])
		}
		out[i] = m
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Cells returns every value as the table and CSV formats print it
// (Cell).
func (res *Result) Cells() [][]string {
	out := make([][]string, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			out[i][j] = Cell(res.Types[j], v)
		}
	}
	return out
}

// Cell prints one value of a column of DuckDB type typ: NULL as "",
// a DATE as 2006-01-02, a timestamp in RFC 3339 (UTC, milliseconds),
// numbers in Go's shortest form, nested values as JSON.
func Cell(typ string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	case time.Time:
		if typ == "DATE" {
			return v.UTC().Format(time.DateOnly)
		}
		return v.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	case int, int8, int16, int32, int64, uint8, uint16, uint32, uint64, *big.Int:
		return fmt.Sprint(v)
	case floater: // DECIMAL
		return strconv.FormatFloat(v.Float64(), 'g', -1, 64)
	}
	b, err := json.Marshal(JSONValue(typ, v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// JSONValue is v as it encodes to plain JSON: times as Cell prints them,
// bytes as text, nested values element by element.
func JSONValue(typ string, v any) any {
	switch v := v.(type) {
	case time.Time:
		return Cell(typ, v)
	case []byte:
		return string(v)
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = JSONValue("", v[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k := range v {
			out[k] = JSONValue("", v[k])
		}
		return out
	case floater:
		return v.Float64()
	case fmt.Stringer:
		return v.String()
	}
	return v
}

// floater is a DECIMAL value (the driver's Decimal).
type floater interface{ Float64() float64 }
