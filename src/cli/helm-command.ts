import { spawnSync } from 'node:child_process';
import { helmBinary, type HelmMajor } from '../io/helm.js';
import { parseArgs } from './args.js';

/** `retool-chart helm [--major 3|4] -- <helm args>`: the bundled helm, output passed straight through. */
export async function helmCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { strings: ['major'] });
  const major = parseMajor(args.strings.major ?? '4');
  const result = spawnSync(helmBinary(major), args.rest, { stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function parseMajor(text: string): HelmMajor {
  if (text !== '3' && text !== '4') throw new Error(`--major/--helm must be 3 or 4, got "${text}"`);
  return Number(text) as HelmMajor;
}
