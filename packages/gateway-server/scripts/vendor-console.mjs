// Copies the console's third-party browser modules from node_modules into console/vendor, so the
// package ships them and nothing is fetched at run time. Run after changing their versions:
//   node packages/gateway-server/scripts/vendor-console.mjs
// test/console-assets.test.ts fails when the vendored copies differ from the installed packages.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, '..', 'console', 'vendor');

/** The installed package's folder: the nearest node_modules/<name> above this script. */
export function packageRoot(name) {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`${name} is not installed (npm install)`);
}

export const VENDORED = [
  ['htm', 'preact/standalone.module.js', 'htm-preact.js'],
  ['htm', 'LICENSE', 'LICENSE-htm.txt'],
  ['uplot', 'dist/uPlot.esm.js', 'uPlot.esm.js'],
  ['uplot', 'dist/uPlot.min.css', 'uPlot.min.css'],
  ['uplot', 'LICENSE', 'LICENSE-uplot.txt'],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(vendor, { recursive: true });
  for (const [pkg, from, to] of VENDORED) copyFileSync(join(packageRoot(pkg), from), join(vendor, to));
  console.log(`vendored ${VENDORED.length} files into ${vendor}`);
}
