import { createHash } from 'node:crypto';

/** What the generated validator records of the schema file it was generated from (validate compares it). */
export function schemaDigest(schemaBytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(schemaBytes).digest('hex')}`;
}
