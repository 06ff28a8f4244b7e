import { issueAt, jsonPointer, type Issue } from '../issue.js';
import type { MergedValues } from '../validate/values-sources.js';

/**
 * Keys of the official chart's RR stack before it was renamed and nested under `rr` (official chart 6.11.x,
 * templates/_helpers.tpl retool.rr.validateLegacyValues): that chart refuses to render while any is set, since
 * they are no longer read. The import refuses them the same way, naming each key's new place.
 */
const MOVES: ReadonlyArray<[old: string[], now: string]> = [
  [['r2'], 'rr'],
  [['jsExecutor'], 'rr.jsExecutor'],
  [['r2Agent'], 'rr.agent'],
  [['agentSandbox'], 'rr.agentSandbox'],
  [['rrGitServer'], 'rr.gitServer'],
  [['blobStorage'], 'rr.blobStorage'],
  [['rr', 'r2Agent'], 'rr.agent'],
  [['rr', 'rrAgent'], 'rr.agent'],
  [['rr', 'rrGitServer'], 'rr.gitServer'],
  [['rr', 'rrBlobStorage'], 'rr.blobStorage'],
];

/** One issue per pre-rename key the user's official values set, at its file and line. */
export function legacyKeyIssues(userValues: Record<string, unknown>, merged: MergedValues): Issue[] {
  return MOVES.filter(([old]) => has(userValues, old)).map(([old, now]) => {
    const where = merged.origin(old);
    return issueAt('import.legacy-key', { path: old.join('.'), pointer: jsonPointer(old) },
      `the official chart no longer reads this key and refuses to render while it is set: move it to ${now} (the RR stack is nested under rr since chart 6.11), then import again`,
      where ? { file: where.file, line: where.line, column: where.column } : {});
  });
}

function has(tree: unknown, path: string[]): boolean {
  let cursor = tree;
  for (const segment of path) {
    if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor) || !(segment in cursor)) return false;
    cursor = (cursor as Record<string, unknown>)[segment];
  }
  return true;
}
