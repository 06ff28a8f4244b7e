import { join } from 'node:path';
import { ROOT } from './paths.js';

/** uvu preload: `before` hook errors fail the suite, named (./hook-errors.ts). Absolute: uvu resolves -r from its own folder. */
export const HOOK_ERRORS = join(ROOT, 'test/support/hook-errors.ts');

/** The command of one uvu process over the files of `dir` matching `pattern`, as test/run.ts runs it. */
export function uvuCommand(dir: string, pattern: string): string[] {
  return [process.execPath, join(ROOT, 'node_modules/uvu/bin.js'), '-r', 'tsx', '-r', HOOK_ERRORS, dir, pattern];
}
