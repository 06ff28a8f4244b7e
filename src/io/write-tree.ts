import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/*
 * The generated directories (the chart and the TypeScript types) are replaced as ONE unit, crash-safe:
 *   1. stage every new directory next to its target (`<dir>.tmp-<stamp>`);
 *   2. write the journal (`.retool-chart-generate.journal`, by temp file + rename): the commit point;
 *   3. per directory: rename the old one aside (`<dir>.old-<stamp>`), rename the staged one in;
 *   4. delete the journal, then the old directories.
 * Killed before 2, the old tree is intact and only staged leftovers remain; killed after 2, the journal says
 * how to finish. `recoverTree` (run first by every write, reported by `--check`) rolls a journal forward and
 * deletes leftovers, so the tree ends all old or all new, never mixed. A lock directory serializes
 * concurrent runs (a lock whose owner process is gone is taken over).
 */

export const JOURNAL = '.retool-chart-generate.journal';
export const LOCK = '.retool-chart-generate.lock';

/** Step names, in order, for failure injection in tests (`onStep` is called before each step). */
export type WriteStep = `stage ${string}` | 'journal' | `retire ${string}` | `install ${string}` | 'commit' | `cleanup ${string}`;

export interface WriteTreeOptions {
  /** Called before each step; tests throw or kill the process here to prove every step is safe. */
  onStep?: (step: WriteStep) => void;
  /** How long to wait for another run's lock (ms); default 120 000. */
  lockTimeoutMs?: number;
}

interface Journal {
  stamp: string;
  dirs: string[];
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `root` (waiting for another run to finish); returns its release. */
export function acquireLock(root: string, timeoutMs = 120_000): () => void {
  const lock = join(root, LOCK);
  const owner = join(lock, 'owner');
  const deadline = Date.now() + timeoutMs;
  mkdirSync(root, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, `${process.pid}\n`);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(owner, 'utf8').trim());
    } catch {
      // the owner is between mkdir and writing its pid, or the lock was just released
    }
    if (staleLock(root)) {
      rmSync(lock, { recursive: true, force: true }); // its owner died (killed mid-run): take it over
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another generate run holds ${lock} (pid ${Number.isNaN(pid) ? 'unknown' : pid}); remove it if no run is active`);
    sleep(50);
  }
}

const leftoverPattern = (dir: string) => new RegExp(`^${escapeRegExp(dir.split('/').pop()!)}\\.(tmp|old)-[0-9a-z-]+$`);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A lock whose owner process is gone (killed mid-run), or that never got an owner and is old. */
function staleLock(root: string): boolean {
  const lock = join(root, LOCK);
  if (!existsSync(lock)) return false;
  try {
    const pid = Number(readFileSync(join(lock, 'owner'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && !processAlive(pid);
  } catch {
    return Date.now() - statSync(lock).mtimeMs > 10_000;
  }
}

/** Project-relative paths an interrupted run left behind: staged/old directories, temp files, the journal, a dead run's lock. */
export function leftovers(root: string, ownedDirs: readonly string[]): string[] {
  const found = new Set<string>();
  if (existsSync(join(root, JOURNAL))) found.add(JOURNAL);
  if (staleLock(root)) found.add(LOCK);
  for (const dir of ownedDirs) {
    const parent = dirname(dir);
    const pattern = leftoverPattern(dir);
    if (!existsSync(join(root, parent))) continue;
    for (const name of readdirSync(join(root, parent))) if (pattern.test(name)) found.add(parent === '.' ? name : `${parent}/${name}`);
  }
  for (const name of existsSync(root) ? readdirSync(root) : []) if (name.startsWith(`${JOURNAL}.tmp-`)) found.add(name);
  return [...found].sort();
}

/**
 * Finishes or undoes what an interrupted run left: a committed journal is rolled forward (its staged
 * directories installed), everything else staged is deleted. Returns what it did, one line each.
 */
export function recoverTree(root: string, ownedDirs: readonly string[]): string[] {
  const done: string[] = [];
  const journalFile = join(root, JOURNAL);
  if (existsSync(journalFile)) {
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
    for (const dir of journal.dirs) {
      const target = join(root, dir);
      const staged = `${target}.tmp-${journal.stamp}`;
      const old = `${target}.old-${journal.stamp}`;
      if (!existsSync(staged)) continue; // already installed
      if (existsSync(target)) {
        if (existsSync(old)) rmSync(target, { recursive: true, force: true }); // a half-finished earlier recovery
        else renameSync(target, old);
      }
      renameSync(staged, target);
      done.push(`installed ${dir} from an interrupted run`);
    }
    rmSync(journalFile, { force: true });
  }
  for (const path of leftovers(root, ownedDirs)) {
    if (path === LOCK) continue; // taken over by acquireLock, which runs first
    rmSync(join(root, path), { recursive: true, force: true });
    done.push(`removed ${path}`);
  }
  return done;
}

/**
 * Writes generated files under root. Each directory listed in `ownedDirs` is replaced whole (stale files
 * disappear), all of them as one unit (see above). Files outside owned dirs are written via temp file + rename.
 * Returns what recovery of an earlier interrupted run did.
 */
export function writeTree(root: string, files: Map<string, string | Uint8Array>, ownedDirs: string[], options: WriteTreeOptions = {}): string[] {
  const step = options.onStep ?? (() => {});
  const release = acquireLock(root, options.lockTimeoutMs);
  try {
    const recovered = recoverTree(root, ownedDirs);
    const stamp = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
    const staged: string[] = [];
    try {
      for (const dir of ownedDirs) {
        step(`stage ${dir}`);
        const temp = join(root, `${dir}.tmp-${stamp}`);
        staged.push(temp);
        mkdirSync(temp, { recursive: true });
        for (const [path, content] of files) {
          if (!path.startsWith(`${dir}/`)) continue;
          const file = join(temp, path.slice(dir.length + 1));
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, content);
        }
      }
    } catch (error) {
      for (const temp of staged) rmSync(temp, { recursive: true, force: true });
      throw error;
    }

    step('journal');
    const journalTemp = join(root, `${JOURNAL}.tmp-${stamp}`);
    writeFileSync(journalTemp, `${JSON.stringify({ stamp, dirs: ownedDirs } satisfies Journal)}\n`);
    renameSync(journalTemp, join(root, JOURNAL));

    for (const dir of ownedDirs) {
      const target = join(root, dir);
      step(`retire ${dir}`);
      if (existsSync(target)) renameSync(target, `${target}.old-${stamp}`);
      else mkdirSync(dirname(target), { recursive: true });
      step(`install ${dir}`);
      renameSync(`${target}.tmp-${stamp}`, target);
    }
    step('commit');
    rmSync(join(root, JOURNAL));
    for (const dir of ownedDirs) {
      step(`cleanup ${dir}`);
      rmSync(join(root, `${dir}.old-${stamp}`), { recursive: true, force: true });
    }

    for (const [path, content] of files) {
      if (ownedDirs.some((dir) => path.startsWith(`${dir}/`))) continue;
      const target = join(root, path);
      const temp = `${target}.tmp-${stamp}`;
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(temp, content);
      renameSync(temp, target);
    }
    return recovered;
  } finally {
    release();
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
