import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/*
 * The generated directories (the chart and the TypeScript types) and the loose generated files (the root
 * README, docs) are replaced as ONE unit, crash-safe:
 *   1. write the journal (`.retool-chart-generate.journal`, by temp file + rename) as a plan: what this run
 *      stages, not yet committed;
 *   2. stage every new directory next to its target (`<dir>.tmp-<stamp>`) and every loose file beside its
 *      target (`<file>.tmp-<stamp>`);
 *   3. rewrite the journal as committed: the commit point;
 *   4. per directory: rename the old one aside (`<dir>.old-<stamp>`), rename the staged one in; then rename
 *      each staged file over its target;
 *   5. delete the journal, then the old directories.
 * `recoverTree` (run first by every write, reported by `--check`) rolls a committed journal forward and
 * undoes a planned one, deleting what it staged, so the tree ends all old or all new, never mixed, and
 * nothing staged stays behind. A lock directory serializes concurrent runs (a lock whose owner process is
 * gone, or whose owner file is not a pid, is taken over).
 */

export const JOURNAL = '.retool-chart-generate.journal';
export const LOCK = '.retool-chart-generate.lock';

/** Step names, in order, for failure injection in tests (`onStep` is called before each step). */
export type WriteStep = 'plan' | `stage ${string}` | 'journal' | `retire ${string}` | `install ${string}` | 'commit' | `cleanup ${string}`;

export interface WriteTreeOptions {
  /** Called before each step; tests throw or kill the process here to prove every step is safe. */
  onStep?: (step: WriteStep) => void;
  /** How long to wait for another run's lock (ms); default 120 000. */
  lockTimeoutMs?: number;
}

interface Journal {
  stamp: string;
  dirs: string[];
  /** Loose files (outside `dirs`) this run stages. */
  files: string[];
  /** False while staging (recovery deletes what was staged); true from the commit point (recovery finishes). */
  committed: boolean;
}

function readJournal(root: string): Journal | undefined {
  const file = join(root, JOURNAL);
  if (!existsSync(file)) return undefined;
  const journal = JSON.parse(readFileSync(file, 'utf8')) as Partial<Journal>;
  // A journal of an earlier release of this tool (no plan step) was only ever written at the commit point.
  return { stamp: journal.stamp!, dirs: journal.dirs ?? [], files: journal.files ?? [], committed: journal.committed ?? true };
}

function writeJournal(root: string, journal: Journal): void {
  const temp = join(root, `${JOURNAL}.tmp-${journal.stamp}`);
  writeFileSync(temp, `${JSON.stringify(journal)}\n`);
  renameSync(temp, join(root, JOURNAL));
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
  let owner: string;
  try {
    owner = readFileSync(join(lock, 'owner'), 'utf8').trim();
  } catch {
    owner = '';
  }
  // No owner yet: its run may be between mkdir and writing the pid, so only an old one is stale. An owner that
  // is not a pid was never written by a run of ours: nothing will ever release it.
  if (owner === '') return Date.now() - statSync(lock).mtimeMs > 10_000;
  if (!/^[1-9][0-9]*$/.test(owner)) return true;
  return !processAlive(Number(owner));
}

/** Project-relative paths an interrupted run left behind: staged/old directories, temp files, the journal, a dead run's lock. */
export function leftovers(root: string, ownedDirs: readonly string[]): string[] {
  const found = new Set<string>();
  const journal = readJournal(root);
  if (journal) {
    found.add(JOURNAL);
    for (const file of journal.files) if (existsSync(join(root, `${file}.tmp-${journal.stamp}`))) found.add(`${file}.tmp-${journal.stamp}`);
  }
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
  const journal = readJournal(root);
  if (journal?.committed) {
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
    for (const file of journal.files) {
      const staged = join(root, `${file}.tmp-${journal.stamp}`);
      if (!existsSync(staged)) continue;
      renameSync(staged, join(root, file));
      done.push(`installed ${file} from an interrupted run`);
    }
    rmSync(join(root, JOURNAL), { force: true });
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
    const loose = [...files.keys()].filter((path) => !ownedDirs.some((dir) => path.startsWith(`${dir}/`)));
    const journal: Journal = { stamp, dirs: ownedDirs, files: loose, committed: false };
    step('plan');
    writeJournal(root, journal);
    const undo = () => {
      for (const dir of ownedDirs) rmSync(join(root, `${dir}.tmp-${stamp}`), { recursive: true, force: true });
      for (const path of loose) rmSync(join(root, `${path}.tmp-${stamp}`), { force: true });
      rmSync(join(root, JOURNAL), { force: true });
    };
    try {
      for (const dir of ownedDirs) {
        step(`stage ${dir}`);
        const temp = join(root, `${dir}.tmp-${stamp}`);
        mkdirSync(temp, { recursive: true });
        for (const [path, content] of files) {
          if (!path.startsWith(`${dir}/`)) continue;
          const file = join(temp, path.slice(dir.length + 1));
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, content);
        }
      }
      if (loose.length) step('stage files');
      for (const path of loose) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, `${path}.tmp-${stamp}`), files.get(path)!);
      }
      step('journal');
      writeJournal(root, { ...journal, committed: true });
    } catch (error) {
      undo();
      throw error;
    }

    for (const dir of ownedDirs) {
      const target = join(root, dir);
      step(`retire ${dir}`);
      if (existsSync(target)) renameSync(target, `${target}.old-${stamp}`);
      else mkdirSync(dirname(target), { recursive: true });
      step(`install ${dir}`);
      renameSync(`${target}.tmp-${stamp}`, target);
    }
    if (loose.length) step('install files');
    for (const path of loose) renameSync(join(root, `${path}.tmp-${stamp}`), join(root, path));
    step('commit');
    rmSync(join(root, JOURNAL));
    for (const dir of ownedDirs) {
      step(`cleanup ${dir}`);
      rmSync(join(root, `${dir}.old-${stamp}`), { recursive: true, force: true });
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
