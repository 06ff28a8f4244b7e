import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './paths.js';

/** Every values file the suite knows: test/fixtures/** (any folder, generated ones included) and examples/. */
export function allFixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.values.yaml')) out.push(path);
    }
  };
  walk(FIXTURES);
  walk(join(ROOT, 'examples'));
  return out;
}
