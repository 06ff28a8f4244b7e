import { readFileSync } from 'node:fs';
import { schemaDigest } from '../schema/digest.js';

/** The validator `npm run generate` compiled ahead of time (src/generated/values-validator.ts). */
export interface PrecompiledValidator {
  /** The chart defaults user values are laid over. */
  defaults: Record<string, unknown>;
  /** The verdict of the values schema on merged values; no reasons (the full validator gives those). */
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
  return { defaults: generated.defaults, isValid: generated.isValidValues };
}
