import standaloneModule from 'ajv/dist/standalone/index.js';
import type { ChartModel } from '../model/chart-model.js';
import { podCheckSites } from '../model/pod-checks.js';
import { schemaDigest } from '../schema/digest.js';
import { GENERATED_BANNER } from './banner.js';
import { compileValuesSchema } from './values-compile.js';

// CommonJS with `exports.default`; under NodeNext the default import is module.exports.
const standaloneCode = standaloneModule.default;

/**
 * src/generated/values-validator.js (+ .d.ts): the values schema compiled by ajv ahead of time (ajv's
 * standalone code), so `validate` answers "valid" without loading ajv or compiling the schema (0.3-0.5 s on
 * every run). It gives the verdict of the schema only (the CLI adds the pod rules, with the sites it carries): the same ajv options as validate/compiled-schema.ts except those that
 * shape error reports (allErrors, verbose), which do not change whether values pass. When it says "invalid",
 * the CLI compiles the full schema to explain why, so messages come from one place. It also carries the chart
 * defaults the values are laid over and the digest of the schema file, which the CLI compares before trusting
 * it. Plain JavaScript, not TypeScript: tsc would re-indent the deeply nested code to several times its size;
 * `npm run build` copies it into dist/.
 */
export function emitValuesValidator(model: ChartModel, schemaBytes: Uint8Array | string): { code: string; types: string } {
  const { ajv, validate } = compileValuesSchema(model);
  const body = standaloneCode(ajv, validate);
  const root = /^export const validate = (\w+);$/m.exec(body)?.[1];
  if (!root) throw new Error('ajv standalone code: no exported validate function');
  const functions = body
    .replace(/^"use strict";\n/, '')
    .replace(/^export const validate = \w+;\n/m, '')
    .replace(/^export default \w+;\n/m, '');
  const code = [
    `/* ${GENERATED_BANNER} */`,
    ...withRequire(functions),
    '',
    `export const schemaDigest = ${JSON.stringify(schemaDigest(schemaBytes))};`,
    `export const defaults = ${JSON.stringify(model.defaults)};`,
    `export const podChecks = ${JSON.stringify(podCheckSites(model.schema, model.components))};`,
    `export function isValidValues(values) { return ${root}(values); }`,
    '',
    functions.trimEnd(),
    '',
  ].join('\n');
  const types = [
    `/* ${GENERATED_BANNER} */`,
    '/** sha256 of the schema file this validator was generated from. */',
    'export declare const schemaDigest: string;',
    '/** The chart defaults (values.yaml) that user values are laid over before they are checked. */',
    'export declare const defaults: Record<string, unknown>;',
    "/** Where the pod rules JSON Schema cannot state look (src/model/pod-checks.ts PodCheckSites). */",
    'export declare const podChecks: { owners: string[][]; pods: Array<{ path: string[]; volumes: string[]; mountPaths: string[]; restrictedVolumes: string[]; restrictedMountPaths: string[] }>; resources: string[][] };',
    "/** Whether merged values (chart defaults coalesced with the user's) pass values.schema.json. */",
    'export declare function isValidValues(values: unknown): boolean;',
    '',
  ].join('\n');
  return { code, types };
}
/**
 * ajv's ESM output still `require`s its runtime helpers (ucs2length for string lengths, ajv-formats' checks);
 * a `require` made by createRequire serves them, which is cheaper than importing CommonJS from ESM (Node then
 * starts its CommonJS export scanner, 20-30 ms).
 */
function withRequire(code: string): string[] {
  return code.includes('require(') ? ["import { createRequire } from 'node:module';", 'const require = createRequire(import.meta.url);'] : [];
}
