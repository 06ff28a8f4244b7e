// Helm runs of the test suite, run once per run and several at a time.
//
// `helm template`, `lint` and `install --dry-run=client` of the repo's chart are pure functions of the Helm
// binary, the chart's files, the values files and the arguments, so a result is kept under a key made of
// all four: in memory, and in the per-run directory that test/run.ts creates (RETOOL_CHART_TEST_CACHE), where
// the test files of every worker process find what another one already rendered. A call that names anything
// else on disk (another chart, --set-file) is not cached. Without the variable (one file run alone) the
// cache lives in this process only.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { helmBinary, runHelm, runHelmAsync, type HelmMajor, type HelmResult } from '../../src/io/helm.js';
import { CHART } from './paths.js';

export const CACHE_ENV = 'RETOOL_CHART_TEST_CACHE';

/** Helm subcommands that only read their inputs. */
const PURE = new Set(['template', 'lint', 'install']);

const memory = new Map<string, HelmResult>();
/** Keys this process is running asynchronously right now (helmAsync). */
const inFlight = new Map<string, Promise<HelmResult>>();
let chartDigest: string | undefined;

/** Every file of the chart, by path and content, hashed once per process (tests never edit charts/retool). */
function chartHash(): string {
  if (chartDigest) return chartDigest;
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${relative(CHART, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(CHART);
  chartDigest = hash.digest('hex');
  return chartDigest;
}

/** The cache key of a call, or undefined when the call is not cacheable. */
function keyOf(args: string[], major: HelmMajor): string | undefined {
  if (!PURE.has(args[0]) || (args[0] === 'install' && !args.includes('--dry-run=client'))) return undefined;
  const hash = createHash('sha256').update(`${helmBinary(major)}\0${major}\0${JSON.stringify(args)}\0`);
  for (const [i, arg] of args.entries()) {
    if (arg === CHART) { hash.update(`chart:${chartHash()}\0`); continue; }
    if (arg.startsWith('--set-file')) return undefined;
    if (arg.startsWith('-') || (!isAbsolute(arg) && !existsSync(arg))) continue;
    // A path: a values file is hashed; anything else (another chart, a relative path) is not ours to hash.
    if ((args[i - 1] !== '-f' && args[i - 1] !== '--values') || !isAbsolute(arg) || !existsSync(arg)) return undefined;
    hash.update(`file:${arg}\0`).update(readFileSync(arg)).update('\0');
  }
  return hash.digest('hex');
}

function cacheDir(): string | undefined {
  return process.env[CACHE_ENV] || undefined;
}

function lookup(key: string): HelmResult | undefined {
  const hit = memory.get(key);
  if (hit) return hit;
  const dir = cacheDir();
  if (!dir) return undefined;
  const file = join(dir, `${key}.json`);
  if (!existsSync(file)) return undefined;
  const result = JSON.parse(readFileSync(file, 'utf8')) as HelmResult;
  memory.set(key, result);
  return result;
}

function store(key: string, result: HelmResult): HelmResult {
  memory.set(key, result);
  const dir = cacheDir();
  if (dir) {
    mkdirSync(dir, { recursive: true });
    // Written aside and renamed, so a reader in another process never sees half a file.
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(result));
    renameSync(tmp, join(dir, `${key}.json`));
  }
  return result;
}

/**
 * Another process of the run renders this key right now: its lock file exists (created with O_EXCL by
 * claim()). A lock older than LOCK_STALE_MS belongs to a process that died; the caller then runs Helm itself.
 */
const LOCK_STALE_MS = 120_000;
const lockFile = (key: string) => join(cacheDir()!, `${key}.lock`);

function claim(key: string): boolean {
  const dir = cacheDir();
  if (!dir) return true;
  mkdirSync(dir, { recursive: true });
  try {
    closeSync(openSync(lockFile(key), 'wx'));
    return true;
  } catch {
    try {
      return Date.now() - statSync(lockFile(key)).mtimeMs > LOCK_STALE_MS;
    } catch {
      return claim(key); // released between the two calls
    }
  }
}

function release(key: string): void {
  if (cacheDir()) rmSync(lockFile(key), { force: true });
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** runHelm, cached when the call is pure (see above). */
export function helmCached(args: string[], major: HelmMajor): HelmResult {
  const key = keyOf(args, major);
  if (key === undefined) return runHelm(args, { major });
  for (;;) {
    const hit = lookup(key);
    if (hit) return hit;
    // Running in this process (helmAsync): its lock cannot be waited out synchronously, so run it again.
    if (inFlight.has(key)) return runHelm(args, { major });
    if (claim(key)) break;
    Atomics.wait(pause, 0, 0, 25); // another process renders it: wait for its result
  }
  try {
    return store(key, runHelm(args, { major }));
  } finally {
    release(key);
  }
}

export interface HelmCall {
  args: string[];
  major: HelmMajor;
}

/** Helm processes at a time: Helm templating is mostly one thread, so one per CPU keeps them all busy. */
export const HELM_JOBS = Math.max(2, cpus().length);

let running = 0;
const waiting: Array<() => void> = [];

/** runHelmAsync, with at most HELM_JOBS Helm processes of this process running at once. */
async function limited(args: string[], major: HelmMajor): Promise<HelmResult> {
  if (running >= HELM_JOBS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await runHelmAsync(args, { major });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** runHelmAsync, cached like helmCached; a call already running is joined, not started again. */
export function helmAsync(args: string[], major: HelmMajor): Promise<HelmResult> {
  const key = keyOf(args, major);
  if (key === undefined) return limited(args, major);
  const hit = lookup(key);
  if (hit) return Promise.resolve(hit);
  let pending = inFlight.get(key);
  if (!pending) {
    pending = (async () => {
      for (;;) {
        const found = lookup(key);
        if (found) return found;
        if (claim(key)) break;
        await new Promise((resolve) => setTimeout(resolve, 25)); // another process renders it
      }
      try {
        return store(key, await limited(args, major));
      } finally {
        release(key);
      }
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

/** Runs the calls side by side (at most HELM_JOBS at once), cached; results in call order. */
export function helmAll(calls: readonly HelmCall[]): Promise<HelmResult[]> {
  return Promise.all(calls.map(({ args, major }) => helmAsync(args, major)));
}
