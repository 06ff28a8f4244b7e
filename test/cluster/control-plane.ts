// A local Kubernetes control plane with fake nodes, in a network namespace that has only loopback.
//
// etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok run as processes inside a named network
// namespace (`ip netns add`; root, as CI runs), all listening on 127.0.0.1 there, so no packet for a ClusterIP,
// a pod IP or any other address can leave the machine: inside, everything but 127.0.0.0/8 is "network
// unreachable". The one opening is the API server, relayed to the host's 127.0.0.1:<free port> through a unix
// socket (./bridge.ts); the kubeconfig in the state directory points there. kwok keeps the fake Nodes Ready and
// plays the kubelet (Pods Running and Ready, Job pods Succeeded, deleted pods gone) and, with ./stages/, a
// volume provisioner and the end of `helm test` Pods.
//
// Every process is started detached with its log in <state>/logs and its PID in <state>/state.json, so
// `stopCluster` (and `npm run cluster -- down`) ends exactly what was started, newest first, removes the
// namespace and the state directory. Used by `npm run cluster` (./cli.ts) and by the tests
// (test/cluster-install.test.ts starts its own in a temporary state directory).

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { ensureBinaries, type Build } from './build.js';
import { makePki, type Pki } from './pki.js';
import { sleepSync } from './processes.js';
import { cacheRoot } from './versions.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../..');
export const OUR_STAGES = ['stages/volume-provision.yaml', 'stages/helm-test-pod-complete.yaml'].map((s) => join(HERE, s));

/** Ports inside the namespace (each namespace has its own loopback, so they never collide with the host's). */
const PORT = { etcd: 2379, etcdPeer: 2380, apiserver: 6443, controllerManager: 10257, scheduler: 10259, kwok: 10247 };
export const SERVICE_CIDR = '10.96.0.0/16';
export const POD_CIDR = '10.244.0.0/16';
export const PROVISIONER = 'kwok.x-k8s.io/volume';

export interface NodeShape {
  count: number;
  /** Kubernetes quantities, e.g. "8" and "16Gi". */
  cpu: string;
  memory: string;
  arch: string;
}

/** The seed's recommended node (8 vCPU, 16 GiB, x86-64); three of them, one per zone. */
export const DEFAULT_NODES: NodeShape = { count: 3, cpu: '8', memory: '16Gi', arch: 'amd64' };

export interface Component {
  name: string;
  pid: number;
  /** An argument of the process's command line that identifies it (its binary or script), checked before a signal is sent. */
  match: string;
  log: string;
  /** Where status probes it: a URL inside the namespace. */
  health?: string;
}

export interface ClusterState {
  stateDir: string;
  netns: string;
  bin: string;
  /** For clients on the host: the relayed API server. */
  kubeconfig: string;
  /** For the components inside the namespace: https://127.0.0.1:6443. */
  innerKubeconfig: string;
  server: string;
  nodes: NodeShape;
  components: Component[];
  startedAt: string;
  /** Seconds from `startCluster` to Ready nodes. */
  startSeconds?: number;
}

export interface StartOptions {
  stateDir?: string;
  nodes?: Partial<NodeShape>;
  log?: (line: string) => void;
}

export function defaultStateDir(): string {
  return process.env.RETOOL_CHART_CLUSTER_STATE || join(cacheRoot(), 'state');
}

/** One namespace per state directory, so two clusters (a developer's and a test run's) never meet. */
export function netnsName(stateDir: string): string {
  return `retool-chart-${createHash('sha256').update(stateDir).digest('hex').slice(0, 8)}`;
}

const stateFile = (stateDir: string) => join(stateDir, 'state.json');
/** Everything a start writes into the state directory. */
const OUR_FILES = ['state.json', 'state.json.tmp', 'FAILED', 'logs', 'pki', 'etcd', 'kubeconfig', 'kubeconfig.inside', 'apiserver.sock', 'apiserver.port', 'apiserver.port.tmp'];

export function readState(stateDir = defaultStateDir()): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(stateDir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

function saveState(state: ClusterState): void {
  writeFileSync(`${stateFile(state.stateDir)}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${stateFile(state.stateDir)}.tmp`, stateFile(state.stateDir));
}

/** The host kubeconfig of the cluster recorded in stateDir, or undefined when none is up. */
export function kubeconfig(stateDir = defaultStateDir()): string | undefined {
  const state = readState(stateDir);
  return state && clusterStatus(stateDir).up ? state.kubeconfig : undefined;
}

// ─── processes ────────────────────────────────────────────────────────────────────────────────────────────

/** Whether pid is alive and is the process recorded (its command line still holds `match`). */
export function isOurs(component: Pick<Component, 'pid' | 'match'>): boolean {
  try {
    const args = readFileSync(`/proc/${component.pid}/cmdline`, 'utf8').split('\0');
    const stat = readFileSync(`/proc/${component.pid}/stat`, 'utf8');
    return args.includes(component.match) && !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

function launch(state: ClusterState, name: string, argv: string[], options: { inside: boolean; health?: string; match?: string; cwd?: string }): Component {
  const log = join(state.stateDir, 'logs', `${name}.log`);
  const fd = openSync(log, 'a');
  const command = options.inside ? ['ip', 'netns', 'exec', state.netns, ...argv] : argv;
  // Detached: its own process group, so neither a Ctrl-C of `npm run cluster` nor the end of a test run's
  // process group stops it; only stopCluster does.
  const child = spawn(command[0], command.slice(1), { detached: true, stdio: ['ignore', fd, fd], cwd: options.cwd ?? state.stateDir });
  closeSync(fd);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${name}: ${command.join(' ')}`);
  const component: Component = { name, pid: child.pid, match: options.match ?? argv[0], log, health: options.health };
  state.components.push(component);
  saveState(state);
  return component;
}

function stopProcesses(components: Component[], log: (line: string) => void): void {
  const running = [...components].reverse().filter(isOurs);
  for (const c of running) {
    try { process.kill(c.pid, 'SIGTERM'); } catch { /* gone meanwhile */ }
  }
  const deadline = Date.now() + 15_000;
  for (const c of running) {
    while (isOurs(c) && Date.now() < deadline) sleepSync(100);
    if (isOurs(c)) {
      log(`${c.name} (pid ${c.pid}) did not stop on SIGTERM within 15 s: SIGKILL`);
      try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
    }
  }
}


// ─── the namespace ────────────────────────────────────────────────────────────────────────────────────────

function ip(args: string[]): { status: number; stderr: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`ip (iproute2) is needed to make the cluster's network namespace: ${r.error.message}`);
  return { status: r.status ?? 1, stderr: r.stderr };
}

function netnsExists(name: string): boolean {
  return existsSync(join('/run/netns', name)) || existsSync(join('/var/run/netns', name));
}

function makeNetns(name: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the local control plane runs in a network namespace made with `ip netns add`, which needs root (CI runs as root; use sudo, or a root container)');
  }
  if (netnsExists(name)) ip(['netns', 'del', name]);
  for (const args of [['netns', 'add', name], ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']]) {
    const r = ip(args);
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  }
}

/**
 * GETs of URLs inside the namespace, from one node process there: status code (0 when unreachable) and the
 * start of the body. Serving certificates of the controller manager and scheduler are self-signed, so the
 * probe does not verify them (it only asks for /healthz).
 */
export function probeInside(netns: string, urls: string[], caFile?: string): Array<{ url: string; status: number; body: string }> {
  const script = `
    const [urls, ca] = JSON.parse(process.argv[1]);
    const fs = require('node:fs');
    const get = (url) => new Promise((resolve) => {
      const mod = require(url.startsWith('https') ? 'node:https' : 'node:http');
      const req = mod.get(url, { timeout: 2000, rejectUnauthorized: false, ca: ca ? fs.readFileSync(ca) : undefined }, (res) => {
        let body = ''; res.on('data', (c) => { body += c; }); res.on('end', () => resolve({ url, status: res.statusCode, body: body.slice(0, 200) }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ url, status: 0, body: e.code || e.message }));
    });
    Promise.all(urls.map(get)).then((r) => process.stdout.write(JSON.stringify(r)));`;
  const r = spawnSync('ip', ['netns', 'exec', netns, process.execPath, '-e', script, JSON.stringify([urls, caFile])], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return urls.map((url) => ({ url, status: 0, body: (r.stderr || String(r.error ?? 'probe failed')).trim() }));
  return JSON.parse(r.stdout);
}

// ─── kubectl ──────────────────────────────────────────────────────────────────────────────────────────────

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** kubectl of this cluster's build, on the host kubeconfig (through the bridge). */
export function kubectl(state: Pick<ClusterState, 'bin' | 'kubeconfig'>, args: string[], input?: string): Run {
  const r = spawnSync(join(state.bin, 'kubectl'), args, { input, encoding: 'utf8', env: { ...process.env, KUBECONFIG: state.kubeconfig }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`kubectl ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function mustKubectl(state: ClusterState, args: string[], input?: string): string {
  const r = kubectl(state, args, input);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

// ─── start, status, stop ──────────────────────────────────────────────────────────────────────────────────

function writeKubeconfig(file: string, server: string, pki: Pki): void {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'retool-chart-local', cluster: { server, 'certificate-authority': pki.caCert } }],
    users: [{ name: 'admin', user: { 'client-certificate': pki.adminCert, 'client-key': pki.adminKey } }],
    contexts: [{ name: 'retool-chart-local', context: { cluster: 'retool-chart-local', user: 'admin' } }],
    'current-context': 'retool-chart-local',
  };
  writeFileSync(file, yaml.dump(doc), { mode: 0o600 });
}

function waitUntil(what: string, timeoutMs: number, check: () => string | true, logFile?: string): void {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const result = check();
    if (result === true) return;
    last = result;
    if (Date.now() > deadline) {
      const tail = logFile && existsSync(logFile) ? `\n--- last lines of ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n')}` : '';
      throw new Error(`${what} not ready after ${timeoutMs / 1000} s: ${last}${tail}`);
    }
    sleepSync(250);
  }
}

function nodeManifest(i: number, shape: NodeShape): object {
  const name = `kwok-node-${i}`;
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/arch': shape.arch,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'topology.kubernetes.io/zone': `zone-${'abc'[i % 3]}`,
        type: 'kwok',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
    },
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: { architecture: shape.arch, operatingSystem: 'linux', kubeletVersion: 'fake', kubeProxyVersion: 'fake' },
    },
  };
}

const STORAGE_CLASS = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
};

/**
 * Starts the control plane recorded in options.stateDir (default: defaultStateDir()), building the binaries
 * first when the cache has none. When it is already up, returns its state unchanged (alreadyUp: true).
 */
export function startCluster(options: StartOptions = {}): ClusterState & { alreadyUp: boolean } {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stateDir = options.stateDir ?? defaultStateDir();
  const existing = readState(stateDir);
  if (existing) {
    const status = clusterStatus(stateDir);
    if (status.up) return { ...existing, alreadyUp: true };
    log(`a previous control plane in ${stateDir} is not healthy (${status.problems.join('; ')}): stopping what is left of it`);
    stopCluster(stateDir, log);
  }
  const build: Build = ensureBinaries(log);
  const started = performance.now();
  // What an earlier start left (its FAILED marker, logs, etcd data); anything else in the directory is not ours.
  for (const entry of OUR_FILES) rmSync(join(stateDir, entry), { recursive: true, force: true });
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  mkdirSync(join(stateDir, 'pki'), { recursive: true });
  const nodes = { ...DEFAULT_NODES, ...options.nodes };
  const netns = netnsName(stateDir);
  const state: ClusterState = {
    stateDir, netns, bin: build.bin,
    kubeconfig: join(stateDir, 'kubeconfig'), innerKubeconfig: join(stateDir, 'kubeconfig.inside'),
    server: '', nodes, components: [], startedAt: new Date().toISOString(),
  };
  saveState(state);
  try {
    start(state, build, log);
    state.startSeconds = Math.round((performance.now() - started) / 100) / 10;
    saveState(state);
    return { ...state, alreadyUp: false };
  } catch (err) {
    // Leave nothing running; keep the logs for reading (the next start or stop removes them).
    stopProcesses(state.components, log);
    if (netnsExists(netns)) ip(['netns', 'del', netns]);
    writeFileSync(join(stateDir, 'FAILED'), `${(err as Error).message}\n`);
    throw new Error(`${(err as Error).message}\n(logs kept in ${join(stateDir, 'logs')})`, { cause: err });
  }
}

function start(state: ClusterState, build: Build, log: (line: string) => void): void {
  const dir = state.stateDir;
  const bin = (name: string) => join(build.bin, name);
  makeNetns(state.netns);
  const pki = makePki(join(dir, 'pki'));
  const inner = `https://127.0.0.1:${PORT.apiserver}`;
  writeKubeconfig(state.innerKubeconfig, inner, pki);

  const etcd = launch(state, 'etcd', [bin('etcd'),
    '--name=default', `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${PORT.etcd}`, `--advertise-client-urls=http://127.0.0.1:${PORT.etcd}`,
    `--listen-peer-urls=http://127.0.0.1:${PORT.etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${PORT.etcdPeer}`,
    `--initial-cluster=default=http://127.0.0.1:${PORT.etcdPeer}`,
    // A throwaway test store (envtest does the same): fsync buys nothing here and costs seconds per install.
    '--unsafe-no-fsync=true', '--log-level=warn',
  ], { inside: true, health: `http://127.0.0.1:${PORT.etcd}/health` });
  waitUntil('etcd', 30_000, () => healthOf(state, etcd), etcd.log);

  // The bridge first, so the API server's readiness is awaited the way every client reaches it.
  const socket = join(dir, 'apiserver.sock');
  const portFile = join(dir, 'apiserver.port');
  const bridge = join(HERE, 'bridge.ts');
  launch(state, 'bridge-inside', [process.execPath, '--import', 'tsx', bridge, 'inner', socket, `127.0.0.1:${PORT.apiserver}`], { inside: true, match: bridge, cwd: ROOT });
  const outer = launch(state, 'bridge-host', [process.execPath, '--import', 'tsx', bridge, 'outer', socket, portFile], { inside: false, match: bridge, cwd: ROOT });
  waitUntil('the host side of the bridge', 30_000, () => existsSync(portFile) || 'no port yet', outer.log);
  state.server = `https://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;
  writeKubeconfig(state.kubeconfig, state.server, pki);
  saveState(state);

  const apiserver = launch(state, 'kube-apiserver', [bin('kube-apiserver'),
    `--etcd-servers=http://127.0.0.1:${PORT.etcd}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${PORT.apiserver}`,
    `--cert-dir=${join(dir, 'pki')}`, `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`, '--authorization-mode=RBAC', '--allow-privileged=true',
    `--service-cluster-ip-range=${SERVICE_CIDR}`, '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
    // Endpoints validation refuses 127.0.0.0/8, so the `kubernetes` Service gets no endpoints (as kwokctl).
    '--endpoint-reconciler-type=none',
    // Named although they are on by default: the suite relies on them.
    '--enable-admission-plugins=PodSecurity,ServiceAccount,Priority,DefaultStorageClass',
    '--profiling=false',
  ], { inside: true, health: `https://127.0.0.1:${PORT.apiserver}/readyz` });
  waitUntil('kube-apiserver', 120_000, () => {
    if (!isOurs(apiserver)) return 'exited';
    const r = kubectl(state, ['get', '--raw', '/readyz']);
    return r.status === 0 && r.stdout.trim() === 'ok' ? true : (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
  }, apiserver.log);

  const kubeconfigs = [`--kubeconfig=${state.innerKubeconfig}`, `--authentication-kubeconfig=${state.innerKubeconfig}`, `--authorization-kubeconfig=${state.innerKubeconfig}`,
    // Their clients' default 20 requests/s throttles rollouts of several releases at once (kwokctl lifts it the same way).
    '--kube-api-qps=5000', '--kube-api-burst=10000'];
  launch(state, 'kube-controller-manager', [bin('kube-controller-manager'), ...kubeconfigs,
    '--bind-address=127.0.0.1', `--secure-port=${PORT.controllerManager}`, '--leader-elect=false',
    `--service-account-private-key-file=${pki.saKey}`, `--root-ca-file=${pki.caCert}`,
    `--cluster-cidr=${POD_CIDR}`, `--service-cluster-ip-range=${SERVICE_CIDR}`,
    `--cert-dir=${join(dir, 'pki', 'kcm')}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
  ], { inside: true, health: `https://127.0.0.1:${PORT.controllerManager}/healthz` });
  launch(state, 'kube-scheduler', [bin('kube-scheduler'), ...kubeconfigs,
    '--bind-address=127.0.0.1', `--secure-port=${PORT.scheduler}`, '--leader-elect=false',
    `--cert-dir=${join(dir, 'pki', 'scheduler')}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
  ], { inside: true, health: `https://127.0.0.1:${PORT.scheduler}/healthz` });
  launch(state, 'kwok', [bin('kwok'), `--kubeconfig=${state.innerKubeconfig}`,
    '--manage-all-nodes=true', `--cidr=${POD_CIDR}`, '--node-ip=127.0.0.1', '--node-lease-duration-seconds=40',
    `--server-address=127.0.0.1:${PORT.kwok}`, `--config=${[...build.stages, ...OUR_STAGES].join(',')}`,
  ], { inside: true, health: `http://127.0.0.1:${PORT.kwok}/healthz` });
  waitUntil('the controller manager, scheduler and kwok', 60_000, () => {
    const bad = clusterStatus(dir, { apiCheck: false }).problems;
    return bad.length === 0 ? true : bad.join('; ');
  });

  const nodes = Array.from({ length: state.nodes.count }, (_, i) => nodeManifest(i, state.nodes));
  mustKubectl(state, ['apply', '-f', '-'], [...nodes, STORAGE_CLASS].map((d) => yaml.dump(d)).join('---\n'));
  // Ready (kwok), and the not-ready taint the API server put on at creation removed (controller manager).
  waitUntil(`${state.nodes.count} Ready nodes`, 60_000, () => {
    const r = kubectl(state, ['get', 'nodes', '-o', 'json']);
    if (r.status !== 0) return r.stderr.trim();
    const items = (JSON.parse(r.stdout).items as any[]) ?? [];
    const ready = items.filter((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') && !(n.spec?.taints ?? []).length);
    return ready.length === state.nodes.count ? true : `${ready.length} of ${state.nodes.count} Ready and untainted`;
  });
  // The controller manager has started its ServiceAccount controller once `default` exists.
  waitUntil('the default ServiceAccount', 60_000, () => kubectl(state, ['get', 'serviceaccount', 'default', '-n', 'default']).status === 0 || 'not yet');
  log(`control plane up: ${state.nodes.count} nodes of ${state.nodes.cpu} CPU / ${state.nodes.memory} (${state.nodes.arch}) in network namespace ${state.netns}`);
}

function healthOf(state: ClusterState, c: Component): string | true {
  if (!isOurs(c)) return 'not running';
  if (!c.health) return true;
  const [probe] = probeInside(state.netns, [c.health]);
  return probe.status === 200 ? true : `${probe.status || 'unreachable'} ${probe.body}`.trim();
}

export interface ComponentStatus {
  name: string;
  pid: number;
  running: boolean;
  health: string;
}

export interface ClusterStatus {
  up: boolean;
  state?: ClusterState;
  components: ComponentStatus[];
  problems: string[];
  readyNodes?: number;
}

export function clusterStatus(stateDir = defaultStateDir(), options: { apiCheck?: boolean } = {}): ClusterStatus {
  const state = readState(stateDir);
  if (!state) return { up: false, components: [], problems: [`no control plane recorded in ${stateDir}`] };
  const urls = state.components.filter((c) => c.health).map((c) => c.health!);
  const probes = netnsExists(state.netns) ? probeInside(state.netns, urls, join(stateDir, 'pki/ca.crt')) : [];
  const components = state.components.map((c): ComponentStatus => {
    const running = isOurs(c);
    const probe = probes.find((p) => p.url === c.health);
    const health = !running ? 'not running' : !c.health ? 'running' : probe?.status === 200 ? `healthy (${c.health})` : `unhealthy (${c.health}: ${probe?.status || 'unreachable'} ${probe?.body ?? ''})`.trim();
    return { name: c.name, pid: c.pid, running, health };
  });
  const problems = components.filter((c) => !c.running || c.health.startsWith('unhealthy')).map((c) => `${c.name} ${c.health}`);
  if (existsSync(join(stateDir, 'FAILED'))) problems.unshift(`the last start failed: ${readFileSync(join(stateDir, 'FAILED'), 'utf8').trim().split('\n')[0]}`);
  if (!netnsExists(state.netns)) problems.push(`network namespace ${state.netns} is gone`);
  let readyNodes: number | undefined;
  if (problems.length === 0 && options.apiCheck !== false) {
    const r = kubectl(state, ['get', 'nodes', '-o', 'json']);
    if (r.status !== 0) problems.push(`the API server does not answer through the bridge: ${r.stderr.trim()}`);
    else readyNodes = (JSON.parse(r.stdout).items as any[]).filter((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length;
  }
  return { up: problems.length === 0 && state.components.length > 0, state, components, problems, readyNodes };
}

/** Stops every recorded process (newest first), deletes the namespace and the state directory. */
export function stopCluster(stateDir = defaultStateDir(), log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): boolean {
  const state = readState(stateDir);
  if (state) stopProcesses(state.components, log);
  const netns = state?.netns ?? netnsName(stateDir);
  if (netnsExists(netns)) {
    const r = ip(['netns', 'del', netns]);
    if (r.status !== 0) throw new Error(`ip netns del ${netns} failed: ${r.stderr.trim()}`);
  }
  // Only what this module wrote is removed, and the directory when nothing else is left in it.
  if (state || existsSync(join(stateDir, 'FAILED'))) {
    for (const entry of OUR_FILES) rmSync(join(stateDir, entry), { recursive: true, force: true });
    try { rmdirSync(stateDir); } catch { /* not empty: not only ours */ }
  }
  return Boolean(state);
}
