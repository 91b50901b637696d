// tools.mjs loads the npm packages the test scripts use from where
// scripts/install-test-deps.sh installs them: $SPARKMINE_TOOLS/node, else
// .tools/node in the nearest parent folder of this script or of the
// working directory.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

function toolDirs() {
  const dirs = [];
  if (process.env.SPARKMINE_TOOLS) dirs.push(join(process.env.SPARKMINE_TOOLS, "node"));
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let d = resolve(start); ; d = dirname(d)) {
      dirs.push(join(d, ".tools", "node"));
      if (dirname(d) === d) break;
    }
  }
  return dirs;
}

// loadTool imports an installed package, or says where it looked.
export async function loadTool(pkg) {
  for (const dir of toolDirs()) {
    if (!existsSync(join(dir, "node_modules", pkg))) continue;
    const require = createRequire(join(dir, "package.json"));
    return import(pathToFileURL(require.resolve(pkg)).href);
  }
  throw new Error(`${pkg} not found (looked in ${toolDirs().join(", ")}); run scripts/install-test-deps.sh`);
}
