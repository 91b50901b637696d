package table

import (
	"fmt"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// Engines DDL writes CREATE statements for.
var Engines = []string{"athena", "spark", "hive", "duckdb"}

// SchemaOf returns the Parquet schema WriteTable writes for rows of type T.
func SchemaOf[T any]() *parquet.Schema { return parquet.SchemaOf(new(T)) }

// DDL returns the statements that make a table of engine over the part
// files under location (the table's folder, <root>/<table>/): its columns
// and types from schema, and the dt partition column as a DATE. Athena,
// Hive and Spark get an external table and MSCK REPAIR TABLE to find the
// partitions; DuckDB, which has no external tables, a view over
// read_parquet.
func DDL(engine, name, location string, schema *parquet.Schema) (string, error) {
	if err := checkTable(name); err != nil {
		return "", err
	}
	location = strings.TrimSuffix(location, "/") + "/"
	if strings.ContainsAny(location, "'\\") {
		return "", fmt.Errorf("ddl: location %q: quotes are not allowed", location)
	}
	switch engine {
	case "athena", "hive":
		return hiveDDL(name, location, schema, false), nil
	case "spark":
		return hiveDDL(name, location, schema, true), nil
	case "duckdb":
		return duckDDL(name, location, schema), nil
	}
	return "", fmt.Errorf("ddl: unknown engine %q (want %s)", engine, strings.Join(Engines, ", "))
}

// hiveDDL writes Hive's dialect, which Athena takes as it is; Spark's
// datasource table lists dt among the columns and partitions by name.
func hiveDDL(name, location string, schema *parquet.Schema, spark bool) string {
	var b strings.Builder
	create := "CREATE EXTERNAL TABLE"
	if spark {
		create = "CREATE TABLE"
	}
	fmt.Fprintf(&b, "%s IF NOT EXISTS `%s` (\n", create, name)
	for i, f := range schema.Fields() {
		sep := ","
		if i == len(schema.Fields())-1 && !spark {
			sep = ""
		}
		fmt.Fprintf(&b, "  `%s` %s%s\n", f.Name(), hiveType(f, spark), sep)
	}
	if spark {
		fmt.Fprintf(&b, "  `dt` DATE\n)\nUSING PARQUET\nPARTITIONED BY (`dt`)\nLOCATION '%s';\n", location)
	} else {
		fmt.Fprintf(&b, ")\nPARTITIONED BY (`dt` date)\nSTORED AS PARQUET\nLOCATION '%s';\n", location)
	}
	fmt.Fprintf(&b, "MSCK REPAIR TABLE `%s`;\n", name)
	return b.String()
}

// hiveType spells a node's type in Hive's (and Athena's and Spark's) DDL.
func hiveType(n parquet.Node, spark bool) string {
	if isList(n) {
		return "array<" + hiveType(listElement(n), spark) + ">"
	}
	if !n.Leaf() {
		var fs []string
		for _, f := range n.Fields() {
			name := f.Name()
			if spark {
				name = "`" + name + "`"
			}
			fs = append(fs, name+":"+hiveType(f, spark))
		}
		return "struct<" + strings.Join(fs, ",") + ">"
	}
	return map[string]string{
		"timestamp": "timestamp", "bigint": "bigint", "double": "double", "boolean": "boolean",
		"string": "string", "int": "int", "binary": "binary",
	}[leafType(n)]
}

// duckDDL writes a view that reads every part with hive partitioning, dt
// as a DATE, and columns by name (parts written before a column was added
// read it as NULL).
func duckDDL(name, location string, schema *parquet.Schema) string {
	var cols []string
	for _, f := range schema.Fields() {
		cols = append(cols, fmt.Sprintf("%q", f.Name()))
	}
	return fmt.Sprintf("CREATE OR REPLACE VIEW %q AS\nSELECT %s, dt\nFROM read_parquet('%s*/*.parquet', hive_partitioning = true, hive_types = {'dt': DATE}, union_by_name = true);\n",
		name, strings.Join(cols, ", "), location)
}

// leafType names a leaf's type, engine-neutrally.
func leafType(n parquet.Node) string {
	t := n.Type()
	if lt := t.LogicalType(); lt != nil {
		switch lt.Value.(type) {
		case *format.TimestampType:
			return "timestamp"
		case *format.StringType:
			return "string"
		}
	}
	switch t.Kind() {
	case parquet.Int64:
		return "bigint"
	case parquet.Int32:
		return "int"
	case parquet.Double:
		return "double"
	case parquet.Boolean:
		return "boolean"
	}
	return "binary"
}

// isList reports whether n is a LIST-annotated group.
func isList(n parquet.Node) bool {
	lt := n.Type().LogicalType()
	if lt == nil {
		return false
	}
	_, ok := lt.Value.(*format.ListType)
	return ok
}

// listElement returns the element of a LIST group (<list>.list.element).
func listElement(n parquet.Node) parquet.Node {
	return n.Fields()[0].Fields()[0]
}
