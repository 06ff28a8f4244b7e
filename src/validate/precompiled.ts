import { readFileSync } from 'node:fs';
import type { PodCheckSites } from '../model/pod-checks.js';
import { isObject } from '../schema/json-schema.js';
import { podRuleIssues } from './pod-rules.js';
import { schemaDigest } from '../schema/digest.js';

/** The validator `npm run generate` compiled ahead of time (src/generated/values-validator.ts). */
export interface PrecompiledValidator {
  /** The chart defaults user values are laid over. */
  defaults: Record<string, unknown>;
  /** The verdict of the values schema and the pod rules on merged values; no reasons (the full validator gives those). */
  isValid(values: unknown): boolean;
}

/**
 * The generated validator, when it was generated from the bytes now in `schemaFile`; otherwise (a schema edited
 * since the last `npm run generate`, or a dist/ not rebuilt since) undefined, and the caller compiles the schema
 * itself.
 */
export async function precompiledValidator(schemaFile: string): Promise<PrecompiledValidator | undefined> {
  let generated: typeof import('../generated/values-validator.js');
  try {
    generated = await import('../generated/values-validator.js');
  } catch (error) {
    // A dist/ built before the validator existed: compile instead.
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  if (generated.schemaDigest !== schemaDigest(readFileSync(schemaFile))) return undefined;
  const sites: PodCheckSites = generated.podChecks;
  // The pod rules (src/validate/pod-rules.ts) run on what the schema accepts, as checkValues does.
  const isValid = (values: unknown) => generated.isValidValues(values) && isObject(values) && podRuleIssues(sites, values).length === 0;
  return { defaults: generated.defaults, isValid };
}
