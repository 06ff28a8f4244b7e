import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Compares text with a golden file, or rewrites it when UPDATE_GOLDEN=1. A missing golden file is a
 * failure, never a silent pass. The error shows the first differing lines.
 */
export function assertGolden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing (run UPDATE_GOLDEN=1 npm test to create it)`);
  const expected = readFileSync(file, 'utf8');
  if (expected === actual) return;
  throw new Error(`output differs from ${file} (UPDATE_GOLDEN=1 npm test rewrites it):\n${firstDifference(expected, actual)}`);
}

function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const i = at === -1 ? a.length : at;
  const context = (lines: string[]) => lines.slice(Math.max(0, i - 2), i + 4).map((l, k) => `  ${Math.max(0, i - 2) + k + 1}| ${l}`).join('\n');
  return `first difference at line ${i + 1}\n--- expected\n${context(a)}\n+++ actual\n${context(b)}`;
}
