#!/usr/bin/env node
// query.mjs runs SQL through DuckDB (@duckdb/node-api), the reader notebook
// users have, and prints each statement's result as one line of JSON: an
// array of row objects, with values as DuckDB's getRowObjectsJson gives them
// (BIGINT and TIMESTAMP as strings, lists as arrays, structs as objects).
//
//   node scripts/duckdb/query.mjs "SELECT 42 AS answer" ["SQL" ...]
//
// Every argument is one statement, run in order on one in-memory database,
// so an earlier statement can create a view that a later one reads.
//
// @duckdb/node-api is found under $SPARKMINE_TOOLS/node/node_modules, or
// under .tools/node/node_modules in the nearest parent folder of this script
// or of the working directory (scripts/install-test-deps.sh puts it there).
import { loadTool } from "../tools.mjs";

const pkg = "@duckdb/node-api";

const loadDuckDB = () => loadTool(pkg);

async function main(statements) {
  if (statements.length === 0) throw new Error("usage: query.mjs SQL [SQL ...]");
  const { DuckDBInstance } = await loadDuckDB();
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    for (const [i, sql] of statements.entries()) {
      let reader;
      try {
        reader = await conn.runAndReadAll(sql);
      } catch (err) {
        const head = sql.trim().split("\n")[0].slice(0, 80);
        throw new Error(`statement ${i + 1} (${head}): ${err.message}`);
      }
      process.stdout.write(JSON.stringify(reader.getRowObjectsJson()) + "\n");
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`duckdb query: ${err.message}\n`);
  process.exit(1);
});
