// Package table writes and reads sparkmine's Parquet tables through a
// store.Store, for any row type that carries parquet struct tags.
//
// A table is a folder of part files, Hive-partitioned by day:
//
//	<table>/dt=<YYYY-MM-DD>/part-<run>-<shard>-<n>.parquet
//
// which Spark, Athena, DuckDB and pandas read as they are, for example
//
//	SELECT * FROM read_parquet('out/stages/*/*.parquet', hive_partitioning = true)
//
// Files are zstd-compressed, carry the run and shard in their key/value
// metadata, and are written with one atomic Put each, so a reader sees a
// whole part or none. The row type decides the schema: int64 fields tagged
// timestamp(millisecond:utc) become TIMESTAMP(MILLIS, UTC), strings become
// STRING, pointer fields with "optional" become nullable columns, and slices
// tagged "list" become standard three-level LIST columns.
//
// The package knows nothing of Spark; the row types belong to their
// producers (packages extract and analyze).
package table
