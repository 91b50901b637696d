// Package sqldb answers read-only SQL over a Parquet dataset on a local
// disk with DuckDB, embedded through its Go driver (cgo). It knows nothing
// of Spark: it is handed a root folder and the names of its table folders
// (Hive-partitioned, as store/table writes them) and makes one view per
// table.
//
// Safety is DuckDB's own, locked before any query runs: external access is
// off except for the dataset's folder (no other file, no network, no
// extension install or load, no ATTACH, no COPY), and the configuration is
// locked so no query can turn it back on. Every query is prepared first and
// must be exactly one SELECT statement; it runs under a time limit and its
// result is cut at a row and byte limit (the caller is told).
//
// A Result writes itself as an aligned table, CSV, JSON or an Arrow IPC
// stream (Write; arrow-go/v18, linked only with the engine).
//
// The engine needs cgo. A binary built with CGO_ENABLED=0 (the static
// image of the nightly job) has everything else; there Open returns
// ErrNoEngine.
package sqldb
