#!/usr/bin/env node
// read.mjs reads Parquet files with hyparquet, a second Parquet reader
// written independently of DuckDB and of parquet-go, and prints one line of
// JSON per file: {"file", "rows": n, "columns": ["name TYPE", ...], "data": [{...}]}.
// Types are spelled as DuckDB's DESCRIBE spells them (BIGINT, DOUBLE,
// BOOLEAN, VARCHAR, TIMESTAMP WITH TIME ZONE, T[] for lists, STRUCT(...)),
// so a test compares the two readers; timestamps print as epoch
// milliseconds, 64-bit integers as numbers.
//
//   node scripts/parquet/read.mjs FILE.parquet [FILE ...]
//
// hyparquet and hyparquet-compressors (for zstd) are found under
// $SPARKMINE_TOOLS/node/node_modules or .tools/node/node_modules above this
// script or the working directory (scripts/install-test-deps.sh).
import { readFileSync } from "node:fs";
import { loadTool as load } from "../tools.mjs";

// typeOf spells a schema node's type as DuckDB does.
function typeOf(node) {
  const e = node.element;
  if (e.converted_type === "LIST" || e.logical_type?.type === "LIST") {
    const item = node.children[0].children[0]; // <list>.list.element
    return typeOf(item) + "[]";
  }
  if (node.children.length > 0) {
    return "STRUCT(" + node.children.map((c) => `${quote(c.element.name)} ${typeOf(c)}`).join(", ") + ")";
  }
  switch (e.type) {
    case "INT64":
      return e.logical_type?.type === "TIMESTAMP" && e.logical_type.isAdjustedToUTC ? "TIMESTAMP WITH TIME ZONE" : "BIGINT";
    case "DOUBLE":
      return "DOUBLE";
    case "BOOLEAN":
      return "BOOLEAN";
    case "BYTE_ARRAY":
      return e.converted_type === "UTF8" || e.logical_type?.type === "STRING" ? "VARCHAR" : "BLOB";
  }
  return "unexpected " + e.type;
}

// quote quotes the names DuckDB quotes in a STRUCT (its keywords among ours).
function quote(name) {
  return ["key", "value", "current"].includes(name) ? `"${name}"` : name;
}

function plain(v) {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function main(files) {
  if (files.length === 0) throw new Error("usage: read.mjs FILE.parquet [FILE ...]");
  const { parquetMetadata, parquetSchema, parquetReadObjects } = await load("hyparquet");
  const { compressors } = await load("hyparquet-compressors");
  for (const file of files) {
    const b = readFileSync(file);
    const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    const metadata = parquetMetadata(buf);
    const schema = parquetSchema(metadata);
    const data = await parquetReadObjects({ file: buf, metadata, compressors });
    const columns = schema.children.map((c) => `${c.element.name} ${typeOf(c)}`);
    process.stdout.write(JSON.stringify({ file, rows: Number(metadata.num_rows), columns, data: data.map(plain) }) + "\n");
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
