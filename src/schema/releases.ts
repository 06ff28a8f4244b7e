import type { JsonSchema } from './json-schema.js';
import type { ReleaseFacts, ReleaseLine, UpgradeBlock } from '../generated/annotations.js';

export type { ReleaseFacts, ReleaseLine, UpgradeBlock };

/** x-retool-releases at the schema root: Retool's release lines as its docs state them. */
export function releaseFacts(schema: JsonSchema): ReleaseFacts {
  const facts = schema['x-retool-releases'] as ReleaseFacts | undefined;
  if (!facts) throw new Error('schema root has no x-retool-releases');
  return facts;
}

/** Numeric comparison of dotted versions ("4.0.7" < "4.31.0"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** "4.0.7" → "4.0": the release line a version belongs to. */
export function lineOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** The newest stable line with a documented release: the chart's default version is its latest known patch. */
export function newestStable(facts: ReleaseFacts): ReleaseLine {
  const stable = facts.lines.filter((l) => l.channel === 'stable').sort((a, b) => compareVersions(b.line, a.line));
  if (!stable.length) throw new Error('x-retool-releases lists no stable line');
  return stable[0];
}

/** The version a line's users should run: its newest known patch, else its first release. */
export function recommendedPatch(line: ReleaseLine): string {
  return line.latest ?? line.first;
}

/** Last day of support: Retool supports a stable line for supportMonths after its first release. */
export function supportEnds(line: ReleaseLine, months: number): string {
  const [y, m, d] = line.firstRelease.split('-').map(Number);
  const end = new Date(Date.UTC(y, m - 1 + months, d));
  return end.toISOString().slice(0, 10);
}

export interface VersionStatus {
  supported: boolean | 'unknown';
  message: string;
  fix?: string;
}

/**
 * Whether `version` on `channel` is supported on `today` (YYYY-MM-DD), from the documented lines only: a line
 * older than a line whose support has ended is out of support too (stable lines are superseded in order);
 * an edge release is supported only while it is the newest edge, so any newer known line makes it stale.
 */
export function versionStatus(version: string, channel: string, facts: ReleaseFacts, today: string): VersionStatus {
  const line = lineOf(version);
  const newest = newestStable(facts);
  const upgrade = `${recommendedPatch(newest)}-stable (the newest stable line this chart knows; check docs.retool.com/releases for newer ones)`;
  const known = [...facts.lines.map((l) => l.line), ...(facts.undated ?? []).map((l) => l.line)];
  if (channel === 'edge') {
    const newer = known.filter((l) => compareVersions(l, line) > 0).sort(compareVersions);
    if (newer.length) {
      return { supported: false, message: `${version}-edge is not the newest edge release (Retool documents ${newer.at(-1)}): only the newest edge release is supported`, fix: `upgrade to the newest edge release, or to ${upgrade}` };
    }
    return { supported: 'unknown', message: `${version}-edge is newer than every release line this chart knows: only the newest edge release is supported` };
  }
  const dated = facts.lines.filter((l) => l.channel === 'stable');
  const own = dated.find((l) => l.line === line);
  if (own) {
    const end = supportEnds(own, facts.supportMonths);
    if (today > end) return { supported: false, message: `Retool ${line} stable was supported until ${end} (${facts.supportMonths} months from ${own.firstRelease}): it gets no more security patches`, fix: `upgrade to ${upgrade}` };
    const patch = recommendedPatch(own);
    const behind = compareVersions(version, patch) < 0 ? `; ${patch} is its newest known patch` : '';
    return { supported: true, message: `Retool ${line} stable is supported until ${end}${behind}`, fix: behind ? `set retool.version: ${patch}` : undefined };
  }
  const superseded = dated.filter((l) => compareVersions(l.line, line) > 0 && today > supportEnds(l, facts.supportMonths));
  if (superseded.length) {
    const by = superseded.sort((a, b) => compareVersions(a.line, b.line))[0];
    return { supported: false, message: `Retool ${line} stable is older than ${by.line}, whose support ended ${supportEnds(by, facts.supportMonths)}: it gets no more security patches`, fix: `upgrade to ${upgrade}` };
  }
  return { supported: 'unknown', message: `Retool ${line} stable: this chart has no release date for it`, fix: 'check docs.retool.com/releases/stable for its support window' };
}

/** The documented upgrade block `from` → `to` runs into, if any. */
export function upgradeBlockFor(from: string, to: string, facts: ReleaseFacts): UpgradeBlock | undefined {
  return facts.upgradeBlocks.find((b) => compareVersions(from, b.below) < 0 && compareVersions(to, b.atLeast) >= 0);
}
