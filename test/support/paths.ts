import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/io/project.js';

export const ROOT = PROJECT_ROOT;
export const CHART = join(ROOT, 'charts/retool');
export const FIXTURES = join(ROOT, 'test/fixtures');
export const INVALID_FIXTURES = join(FIXTURES, 'invalid');
export const GOLDEN = join(ROOT, 'test/golden');
export const RELEASE = 'prod';
export const NAMESPACE = 'retool';

/** Fixture names (file name without .values.yaml) in a folder, sorted. */
export function fixtureNames(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.values.yaml')).map((f) => f.replace(/\.values\.yaml$/, '')).sort();
}
