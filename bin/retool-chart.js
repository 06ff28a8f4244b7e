#!/usr/bin/env node
// Runs the compiled CLI with plain node: no TypeScript tooling at run time. dist/ is built by `npm run build`
// (run by `npm ci`/`npm install` through `prepare`, by `npm test`, and before `npm pack`).
try {
  await import('../dist/cli/run.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/run.js')) throw error;
  process.stderr.write('retool-chart: the compiled CLI (dist/) is missing; run `npm run build` in the package directory\n');
  process.exitCode = 1;
}
