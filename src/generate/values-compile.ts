import type { ValidateFunction } from 'ajv';
import type { ChartModel } from '../model/chart-model.js';
import { compactSchema } from '../schema/compact.js';
import { newValuesAjv } from '../validate/compiled-schema.js';

export interface ValuesCompile {
  ajv: ReturnType<typeof newValuesAjv>;
  /** values.schema.json (compacted: same verdicts, see compact.ts) compiled with its source kept (for ajv's standalone code). */
  validate: ValidateFunction;
}

const compiled = new WeakMap<ChartModel, ValuesCompile>();

/**
 * The values schema compiled once per generate run and shared by the emitters that need it (the precompiled
 * validator, the editor schema's "which defaults fail" question): compiling it is the largest single cost of
 * `generate`. The options that change a verdict come from newValuesAjv, as validate's; allErrors lists every failure; inlineRefs: false keeps each shared definition one function;
 * no code optimisation: half the compile time for about 10 % more code.
 */
export function compileValuesSchema(model: ChartModel): ValuesCompile {
  let entry = compiled.get(model);
  if (!entry) {
    // validateSchema: false: the schema is checked against the draft-07 meta-schema where validate compiles it
    // (compiled-schema.ts, on every test run); doing it again here costs a third of the compile.
    const ajv = newValuesAjv({
      allErrors: true, verbose: false, inlineRefs: false, validateSchema: false,
      code: { source: true, esm: true, lines: true, optimize: false },
    });
    entry = { ajv, validate: ajv.compile(compactSchema(model.published)) };
    compiled.set(model, entry);
  }
  return entry;
}
