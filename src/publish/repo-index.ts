import yaml from 'js-yaml';
import type { ChartArchive } from './chart-archive.js';

/** A classic chart repository's index.yaml, as Helm reads it. */
export interface RepoIndex {
  apiVersion: string;
  entries: Record<string, Array<Record<string, unknown>>>;
  generated?: string;
  [key: string]: unknown;
}

export interface MergeResult {
  index: RepoIndex;
  /** False when the same version with the same digest was already listed (nothing changed). */
  added: boolean;
}

/**
 * Adds a package to an index without touching older entries (their `created`, `digest` and `urls` stay as
 * they were). A version already listed with another digest is refused: a published version never changes.
 */
export function mergeIndex(existing: RepoIndex | undefined, archive: ChartArchive, url: string, created: string): MergeResult {
  const index: RepoIndex = existing ? structuredClone(existing) : { apiVersion: 'v1', entries: {} };
  const versions = (index.entries[archive.name] ??= []);
  const listed = versions.find((entry) => entry.version === archive.version);
  if (listed) {
    if (listed.digest !== archive.sha256) {
      throw new Error(
        `${archive.name} ${archive.version} is already in the index with digest ${String(listed.digest)}, ` +
          `this package's digest is ${archive.sha256}: a published version never changes, bump the chart version`,
      );
    }
    return { index, added: false };
  }
  versions.push(sortKeys({ ...archive.metadata, created, digest: archive.sha256, urls: [url] }));
  versions.sort((a, b) => compareVersions(String(b.version), String(a.version)));
  index.generated = created;
  return { index, added: true };
}

export function parseIndex(text: string, file: string): RepoIndex {
  const index = yaml.load(text) as RepoIndex | undefined;
  if (!index || typeof index !== 'object' || typeof index.entries !== 'object' || index.entries === null) {
    throw new Error(`${file}: not a chart repository index (no entries map)`);
  }
  return index;
}

export function serializeIndex(index: RepoIndex): string {
  const { apiVersion, entries, generated, ...rest } = index;
  const sortedEntries = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1)));
  return yaml.dump({ apiVersion, entries: sortedEntries, generated, ...rest }, { lineWidth: -1, noRefs: true });
}

/** Semantic version order (release above its pre-releases); enough for chart versions. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.replace(/^v/, '').split('+')[0].split(/-(.*)/s);
    return { nums: core.split('.').map(Number), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if ((x.nums[i] ?? 0) !== (y.nums[i] ?? 0)) return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

function sortKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
}
