// Package table writes and reads sparkmine's Parquet tables through a
// store.Store, for any row type that carries parquet struct tags.
//
// A table is a folder of part files, Hive-partitioned by day:
//
//	<table>/dt=<YYYY-MM-DD>/part-<run>-<shard>-<n>.parquet
//
// (PartName.File writes a part's name, ParsePart reads it back),
// which Spark, Athena, DuckDB and pandas read as they are, for example
//
//	SELECT * FROM read_parquet('out/stages/*/*.parquet', hive_partitioning = true)
//
// Files are zstd-compressed, carry the run and shard in their key/value
// metadata, and are written with one atomic Put each, so a reader sees a
// whole part or none. The row type decides the schema: int64 fields tagged
// timestamp(millisecond:utc) become TIMESTAMP(MILLIS, UTC), strings become
// STRING, pointer fields with "optional" become nullable columns, and slices
// tagged "list" become standard three-level LIST columns. A row type may
// embed structs at its top level (a row joined from two producers' parts,
// like the apps table's extract.AppRow and analyze.AppResult): their fields
// are plain columns. parquet-go (v0.32) reads a NULL optional field of an
// embedded struct back as a pointer to zero, so ReadTable reads such types
// through a flat copy of the type; embedding below the top level is refused.
//
// Package duckdbtest (under this folder) reads the tables with DuckDB for
// tests; package interop checks all five real tables and the example
// notebook with it.
//
// The package knows nothing of Spark; the row types belong to their
// producers (packages extract and analyze).
package table
