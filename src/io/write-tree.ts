import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Writes generated files under root. Each directory listed in `ownedDirs` is replaced whole: built in a
 * sibling temp dir, then swapped in by rename, so a failure never leaves a half-written chart and stale
 * files disappear. Files outside owned dirs are written via temp file + rename.
 */
export function writeTree(root: string, files: Map<string, string | Uint8Array>, ownedDirs: string[]): void {
  const stamp = `${process.pid}-${Date.now()}`;
  const staged: Array<{ temp: string; target: string }> = [];
  try {
    for (const dir of ownedDirs) {
      const temp = join(root, `${dir}.tmp-${stamp}`);
      staged.push({ temp, target: join(root, dir) });
      for (const [path, content] of files) {
        if (!path.startsWith(`${dir}/`)) continue;
        const file = join(temp, path.slice(dir.length + 1));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
    for (const [path, content] of files) {
      if (ownedDirs.some((dir) => path.startsWith(`${dir}/`))) continue;
      const target = join(root, path);
      const temp = `${target}.tmp-${stamp}`;
      mkdirSync(dirname(target), { recursive: true });
      staged.push({ temp, target });
      writeFileSync(temp, content);
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  for (const { temp, target } of staged) {
    const old = `${target}.old-${stamp}`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
  }
}

/** Project-relative paths whose content differs from `files`, plus stray files inside owned dirs. */
export function diffTree(root: string, files: Map<string, string>, ownedDirs: string[]): string[] {
  const differing: string[] = [];
  for (const [path, content] of files) {
    const file = join(root, path);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) differing.push(path);
  }
  for (const dir of ownedDirs) {
    for (const file of listFiles(join(root, dir))) {
      const path = relative(root, file).split('\\').join('/');
      if (!files.has(path)) differing.push(`${path} (not generated)`);
    }
  }
  return differing.sort();
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
