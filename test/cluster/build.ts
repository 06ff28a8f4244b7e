// Build the control plane's binaries from pinned module versions, or reuse the cached build.
//
// The cache entry `<cacheRoot>/<buildKey>/` holds `bin/` (the six binaries), `kwok-stages/` (the stage files
// of the kwok module the binary came from) and `modules/` (the go.mod and go.sum each build resolved, for the
// record). It is written under a temporary name and renamed into place only once every binary has printed the
// pinned version, so an interrupted build never leaves a half entry; a second run builds nothing. A cached
// binary that prints another version is rebuilt. GOTOOLCHAIN=local makes a Go older than the modules need
// fail instead of downloading a toolchain; CGO_ENABLED=0 makes static binaries. Go's own caches (GOCACHE,
// GOMODCACHE) make a rebuild after a version bump mostly a relink.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, sleepSync } from './processes.js';
import { buildKey, cacheRoot, EXPECTED_VERSION, KUBE_COMMANDS, stagingVersion, VERSIONS } from './versions.js';

/** kwok's stages this control plane runs, as paths under the kwok module's kustomize/stage/. */
export const KWOK_STAGES = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];

export interface Build {
  /** The cache entry. */
  dir: string;
  bin: string;
  stages: string[];
  /** Seconds spent building (0 when the cache was used). */
  seconds: number;
}

/** The user's GOFLAGS are left out: the build is the same on every machine. */
const GO_ENV = { GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '' };

export function binaries(): string[] {
  return [...KUBE_COMMANDS, 'etcd', 'kwok'];
}

/** `go env GOVERSION`, e.g. go1.26.8; a clear error when there is no Go. */
export function goVersion(): string {
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, ...GO_ENV } });
  if (r.error || r.status !== 0) {
    throw new Error(`the control plane is built with Go (>= 1.26, from https://go.dev/dl/) and none was found on PATH: ${r.error?.message ?? r.stderr.trim()}`);
  }
  return r.stdout.trim();
}

/** Why a cache entry cannot be used, or undefined when it can. */
export function staleReason(dir: string): string | undefined {
  for (const name of binaries()) {
    const file = join(dir, 'bin', name);
    if (!existsSync(file)) return `${name} is missing`;
    const { args, pattern } = EXPECTED_VERSION[name];
    const r = spawnSync(file, args, { encoding: 'utf8' });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0 || !pattern.test(out)) return `${name} ${args.join(' ')} printed ${JSON.stringify(out.trim().split('\n')[0] ?? '')}, not ${pattern}`;
  }
  for (const stage of KWOK_STAGES) if (!existsSync(join(dir, 'kwok-stages', stage))) return `kwok stage ${stage} is missing`;
  return undefined;
}

function stagesOf(dir: string): string[] {
  return KWOK_STAGES.map((s) => join(dir, 'kwok-stages', s));
}

/** The cached build for the pinned versions, built first when missing or stale. Progress goes to `log`. */
export function ensureBinaries(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Build {
  const go = goVersion();
  const root = cacheRoot();
  const dir = join(root, buildKey(go));
  if (existsSync(dir) && !staleReason(dir)) return { dir, bin: join(dir, 'bin'), stages: stagesOf(dir), seconds: 0 };

  mkdirSync(root, { recursive: true });
  const release = lock(join(root, `${buildKey(go)}.lock`), log);
  try {
    // Another process may have finished the same build while this one waited for the lock.
    const reason = existsSync(dir) ? staleReason(dir) : 'not built yet';
    if (!reason) return { dir, bin: join(dir, 'bin'), stages: stagesOf(dir), seconds: 0 };
    log(`control plane: building ${buildKey(go)} (${reason}); a cold build takes about half an hour on 2 cores`);
    const started = performance.now();
    const tmp = `${dir}.partial-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    try {
      buildInto(tmp, log);
      const stale = staleReason(tmp);
      if (stale) throw new Error(`the fresh build is not right: ${stale}`);
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const seconds = (performance.now() - started) / 1000;
    log(`control plane: built in ${seconds.toFixed(0)} s into ${dir}`);
    return { dir, bin: join(dir, 'bin'), stages: stagesOf(dir), seconds };
  } finally {
    release();
  }
}

function buildInto(out: string, log: (line: string) => void): void {
  const bin = join(out, 'bin');
  mkdirSync(bin, { recursive: true });
  const V = VERSIONS.kubernetes;

  // k8s.io/kubernetes: a wrapper module that replaces every staging module with its tag. The list is read from
  // the published go.mod (exactly `k8s.io/X v0.0.0`, or `k8s.io/X => ./staging/…`), not kept by hand; matching
  // only the bare v0.0.0 keeps pseudo-versions such as k8s.io/utils v0.0.0-2026… out of it.
  const k8s = join(out, 'modules/kubernetes');
  mkdirSync(k8s, { recursive: true });
  go(['mod', 'init', 'local/k8s-bins'], k8s, log);
  go(['mod', 'edit', '-go=1.26.0'], k8s, log);
  const info = JSON.parse(go(['mod', 'download', '-json', `k8s.io/kubernetes@v${V}`], k8s, log)) as { GoMod: string };
  const staging = stagingModules(readFileSync(info.GoMod, 'utf8'));
  if (staging.length < 20) throw new Error(`only ${staging.length} staging modules found in ${info.GoMod}: the go.mod format changed`);
  go(['mod', 'edit', ...staging.map((m) => `-replace=${m}=${m}@${stagingVersion(V)}`)], k8s, log);
  go(['get', '-tool', ...KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}@v${V}`)], k8s, log);
  go(['mod', 'tidy'], k8s, log);
  // Without these the binaries call themselves v0.0.0-master+$Format:%H$ and Helm's kubeVersion checks fail
  // (k8s.io/component-base version/base.go; kubernetes hack/lib/version.sh sets both packages).
  const minor = V.split('.')[1];
  const ldflags = ['-s', '-w'];
  for (const p of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    ldflags.push(`-X ${p}.gitVersion=v${V}`, `-X ${p}.gitMajor=1`, `-X ${p}.gitMinor=${minor}`, `-X ${p}.gitTreeState=clean`,
      `-X ${p}.gitCommit=0000000000000000000000000000000000000000`, `-X ${p}.buildDate=1970-01-01T00:00:00Z`);
  }
  go(['build', '-trimpath', '-ldflags', ldflags.join(' '), '-o', `${bin}/`, ...KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`)], k8s, log);

  // etcd: its own module, so its grpc/otel versions stay out of the Kubernetes build; server/v3's main package
  // is the module root (as a dependency its requires pin the sibling etcd modules).
  const etcd = join(out, 'modules/etcd');
  mkdirSync(etcd, { recursive: true });
  go(['mod', 'init', 'local/etcd-bin'], etcd, log);
  go(['mod', 'edit', '-go=1.26.0'], etcd, log);
  go(['get', '-tool', `go.etcd.io/etcd/server/v3@v${VERSIONS.etcd}`], etcd, log);
  go(['build', '-trimpath', '-ldflags', '-s -w', '-o', join(bin, 'etcd'), 'go.etcd.io/etcd/server/v3'], etcd, log);

  // kwok has no replace directives, so `go install pkg@version` builds it as published.
  const kwok = join(out, 'modules/kwok');
  mkdirSync(kwok, { recursive: true });
  go(['install', '-trimpath', '-ldflags', '-s -w', `sigs.k8s.io/kwok/cmd/kwok@v${VERSIONS.kwok}`], kwok, log, { GOBIN: bin });
  const kwokDir = (JSON.parse(go(['mod', 'download', '-json', `sigs.k8s.io/kwok@v${VERSIONS.kwok}`], kwok, log)) as { Dir: string }).Dir;
  for (const stage of KWOK_STAGES) {
    const target = join(out, 'kwok-stages', stage);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(join(kwokDir, 'kustomize/stage', stage), target);
  }
  writeFileSync(join(out, 'VERSIONS.json'), `${JSON.stringify({ ...VERSIONS, staging: stagingVersion(V), staged: staging }, null, 2)}\n`);
}

/** The staging modules of k8s.io/kubernetes' go.mod: required at exactly v0.0.0 or replaced by ./staging/…. */
export function stagingModules(goMod: string): string[] {
  const found = new Set<string>();
  for (const line of goMod.split('\n')) {
    const m = /^\s*(k8s\.io\/[A-Za-z0-9._-]+) (?:v0\.0\.0|=> \.\/staging\/\S*)\s*$/.exec(line);
    if (m) found.add(m[1]);
  }
  return [...found].sort();
}

function go(args: string[], cwd: string, log: (line: string) => void, env: Record<string, string> = {}): string {
  log(`  go ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ').slice(0, 200)}`);
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GO_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`go ${args.slice(0, 3).join(' ')} … failed in ${cwd} (exit ${r.status ?? r.signal}):\n${(r.stderr ?? '').trim().split('\n').slice(-30).join('\n')}`);
  return r.stdout;
}

/** An exclusive lock (a directory), so two test runs never build the same entry at once. A dead owner's lock is taken over. */
function lock(path: string, log: (line: string) => void): () => void {
  const owner = join(path, 'pid');
  for (let waited = 0; ; waited++) {
    try {
      mkdirSync(path);
      writeFileSync(owner, String(process.pid));
      return () => { rmSync(path, { recursive: true, force: true }); };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(existsSync(owner) ? readFileSync(owner, 'utf8') : NaN);
      const dead = Number.isInteger(pid) ? !alive(pid) : Date.now() - statSync(path).mtimeMs > 60_000;
      if (dead) { rmSync(path, { recursive: true, force: true }); continue; }
      if (waited === 0) log(`control plane: waiting for the build of process ${pid} (${path})`);
      sleepSync(2000);
    }
  }
}
