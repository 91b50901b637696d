// Package interop holds only tests: it writes the five sparkmine tables with
// the real row types (extract and analyze) through package table, then reads
// them back with DuckDB, as notebook users do, and runs every SQL cell of
// examples/findings.ipynb against them. It lives apart from package table so
// that table's own tests never depend on the producers' packages.
package interop
