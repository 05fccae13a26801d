// npm run build: bundles the workspace page, the theme switch and the instructors' table sorting
// and filtering into ../static/js, and writes the licence notices of every npm package that ends
// up in the bundle beside it.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "static", "js");

const result = await esbuild.build({
  entryPoints: {
    workspace: join(here, "src", "main.js"),
    theme: join(here, "src", "theme-toggle.js"),
    tables: join(here, "src", "tables.js"),
  },
  outdir,
  bundle: true,
  minify: true,
  format: "iife",
  // Lab PCs run whatever browser the school installed; these support every API used here.
  target: ["chrome105", "firefox110", "safari16"],
  legalComments: "none", // gathered into workspace.js.LICENSE.txt below instead
  metafile: true,
  logLevel: "info",
});

// Every node_modules package that contributed bytes to an output, with its licence text.
function bundledPackages() {
  const names = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
      if (match) names.add(match[1]);
    }
  }
  return [...names].sort();
}

function licenceText(packageDir) {
  const file = readdirSync(packageDir).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
  return file ? readFileSync(join(packageDir, file), "utf8").trim() : null;
}

const sections = bundledPackages().map((name) => {
  const packageDir = join(here, "node_modules", name);
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  const text = licenceText(packageDir);
  if (!text) throw new Error(`${name} ships no licence file; check its terms before bundling it`);
  return `${manifest.name} ${manifest.version} (${manifest.license})\n\n${text}`;
});
const rule = `\n\n${"-".repeat(72)}\n\n`;
writeFileSync(
  join(outdir, "workspace.js.LICENSE.txt"),
  "Third-party software bundled in workspace.js (built by frontend/build.mjs):" +
    rule +
    sections.join(rule) +
    "\n",
);
console.log(
  `Licence notices of ${sections.length} packages written to static/js/workspace.js.LICENSE.txt`,
);
