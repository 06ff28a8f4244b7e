#!/usr/bin/env node
// Runs the compiled CLI with plain node: no TypeScript tooling at run time. dist/ is in the published package
// (built by `npm pack` through `prepack`) and built in a checkout by `npm run build` or `npm test`. A checkout
// without dist/ (right after `npm ci`: the package has no install-time script, so installing it runs none) runs
// the sources through tsx, a development dependency, so `npx retool-chart` works there at once.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/run.js', import.meta.url);
const source = new URL('../src/cli/run.ts', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('retool-chart: dist/ is not built and tsx is not installed; run `npm ci` (or `npm run build`) in the checkout\n');
    process.exit(1);
  }
  register();
  await import(source.href);
} else {
  process.stderr.write('retool-chart: the compiled CLI (dist/) is missing from this package; reinstall it\n');
  process.exitCode = 1;
}
