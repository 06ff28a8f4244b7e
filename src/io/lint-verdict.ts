import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inputsDigest } from './generate-stamp.js';

/**
 * The schema lint's pass, remembered in the local cache (never committed) so that commands reading values
 * (doctor, explain, diff, import, init) do not lint the source schema again on every run: a run trusts the
 * record only when the schema, the annotations schema and everything generate reads (the lint's own code
 * included) hash to the digest of the run that passed. Any change lints again; `generate` always lints.
 */
function verdictFile(root: string): string {
  const cache = process.env.RETOOL_CHART_CACHE || join(root, 'node_modules', '.cache', 'retool-chart');
  return join(cache, 'lint-verdict.json');
}

function digest(root: string, schemaFile: string): string | undefined {
  try {
    const annotations = readFileSync(join(dirname(schemaFile), 'annotations.schema.json'));
    return createHash('sha256').update(inputsDigest(root, schemaFile)).update(annotations).digest('hex');
  } catch {
    return undefined; // an unreadable input: lint
  }
}

/** Whether a lint of exactly these inputs passed before. */
export function lintPassedBefore(root: string, schemaFile: string): boolean {
  try {
    const recorded = (JSON.parse(readFileSync(verdictFile(root), 'utf8')) as { passed?: string }).passed;
    return recorded !== undefined && recorded === digest(root, schemaFile);
  } catch {
    return false;
  }
}

/** Records a passing lint of the current inputs; best effort (a cache that cannot be written is no error). */
export function recordLintPassed(root: string, schemaFile: string): void {
  const passed = digest(root, schemaFile);
  if (!passed) return;
  const file = verdictFile(root);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, `${JSON.stringify({ passed })}\n`);
    renameSync(temp, file);
  } catch {
    // read-only or missing cache directory: the next run lints again
  }
}
