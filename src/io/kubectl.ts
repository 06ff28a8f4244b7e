// kubectl, for `doctor --cluster`: every read the cluster checks need, and one server-side dry-run. Nothing
// here creates, changes or deletes an object: only get, get --raw and apply --dry-run=server.

import { spawnSync } from 'node:child_process';
import type { ClusterFacts, DryRun, Read, SecretKeys } from '../preflight/cluster-doctor.js';
import { onSearchPath } from './helm.js';
import { ToolError } from './tool-error.js';

export interface KubectlTarget {
  bin: string;
  context?: string;
  kubeconfig?: string;
  namespace: string;
}

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The kubectl to run: --kubectl, then RETOOL_CHART_KUBECTL, then `kubectl` on PATH. */
export function findKubectl(explicit?: string): string {
  const bin = explicit || process.env.RETOOL_CHART_KUBECTL || onSearchPath('kubectl');
  if (!bin) throw new ToolError('no kubectl found: put kubectl on PATH, or pass --kubectl PATH (or set RETOOL_CHART_KUBECTL)');
  return bin;
}

export function runKubectl(target: KubectlTarget, args: string[], input?: string): KubectlResult {
  const global = [...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []), ...(target.context ? ['--context', target.context] : [])];
  const r = spawnSync(target.bin, [...global, ...args], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (r.error) throw new ToolError(`cannot run kubectl (${target.bin}): ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The first line kubectl printed about a failure, without its `Error from server (Reason): ` prefix. */
function firstError(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('Warning:')) ?? 'kubectl failed';
  return line.replace(/^Error from server \([A-Za-z]+\): /, '').replace(/^error: /, '');
}

/** `kubectl get … -o json` (or --raw): the JSON, or whether RBAC refused it or it is not there. */
export function readJson<T>(target: KubectlTarget, args: string[]): Read<T> {
  const r = runKubectl(target, args);
  if (r.status === 0) return { ok: true, value: JSON.parse(r.stdout) as T };
  const reason = /\(Forbidden\)|forbidden:/i.test(r.stderr) ? 'forbidden' : /\(NotFound\)|not found/i.test(r.stderr) ? 'notFound' : 'other';
  return { ok: false, reason, message: firstError(r.stderr) };
}

/**
 * The server's version, or a ToolError of one line when the cluster cannot be reached (no kubeconfig, wrong
 * context, server down): the first call of every `doctor --cluster` run.
 */
export function serverVersion(target: KubectlTarget): { gitVersion: string } {
  const r = runKubectl(target, ['get', '--raw', '/version']);
  if (r.status !== 0) {
    const where = target.context ? `context ${target.context}` : 'the current context';
    throw new ToolError(`cannot reach the cluster (${where}${target.kubeconfig ? `, kubeconfig ${target.kubeconfig}` : ''}): ${firstError(r.stderr)}`);
  }
  return JSON.parse(r.stdout) as { gitVersion: string };
}

/** A Secret's type and key names; its values are dropped here and never leave this function. */
export function readSecretKeys(target: KubectlTarget, name: string): Read<SecretKeys> {
  const read = readJson<any>(target, ['get', 'secret', name, '-n', target.namespace, '-o', 'json']);
  return read.ok ? { ok: true, value: { type: read.value.type, keys: Object.keys(read.value.data ?? {}).sort() } } : read;
}

/** A warning kubectl's client-side apply prints for objects it did not create (a Helm release's). */
const APPLY_NOISE = /missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation|will be patched automatically/;

/**
 * kubectl apply's output split: accepted objects (`-o name` lines on stdout), one error per refused object
 * (an `Error from server …` or `error: …` line, with the lines that continue it), and the server's warnings.
 */
export function parseDryRun(result: KubectlResult): DryRun {
  const accepted = result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const line of result.stderr.split('\n')) {
    // klog's own lines (client-side throttling notes and the like) say nothing of the objects.
    if (!line.trim() || /^[IWE]\d{4} /.test(line)) continue;
    if (line.startsWith('Warning: ')) {
      const text = line.slice('Warning: '.length).trim();
      if (!APPLY_NOISE.test(text) && !warnings.includes(text)) warnings.push(text);
    } else if (/^(Error from server|error:|Error:)/.test(line) || (!errors.length && result.status !== 0)) {
      errors.push(line.replace(/^Error from server \([A-Za-z]+\): /, '').replace(/^error: /, '').trim());
    } else if (errors.length) {
      errors[errors.length - 1] += ` ${line.trim()}`;
    }
  }
  if (result.status !== 0 && !errors.length) errors.push(`kubectl apply --dry-run=server exited with ${result.status}`);
  return { accepted, errors, warnings };
}

/** `kubectl apply --dry-run=server` of the rendered manifests into the namespace: the server admits or refuses each, and stores nothing. */
export function dryRun(target: KubectlTarget, manifests: string): DryRun {
  return parseDryRun(runKubectl(target, ['apply', '--dry-run=server', '-n', target.namespace, '-o', 'name', '-f', '-'], manifests));
}

/**
 * Everything else the cluster checks read (the version is read first, by serverVersion), for the Secrets
 * named; the dry-run runs only in an existing namespace.
 */
export function fetchClusterFacts(target: KubectlTarget, { version, secretNames, manifests }: { version: { gitVersion: string }; secretNames: string[]; manifests: string }): ClusterFacts {
  const namespace = readJson<any>(target, ['get', 'namespace', target.namespace, '-o', 'json']);
  const missingNamespace = !namespace.ok && namespace.reason === 'notFound';
  const secrets = Object.fromEntries([...new Set(secretNames)].map((name) => [name, missingNamespace
    ? { ok: false as const, reason: 'notFound' as const, message: `namespace ${target.namespace} does not exist` }
    : readSecretKeys(target, name)]));
  return {
    version,
    nodes: readJson(target, ['get', 'nodes', '-o', 'json']),
    namespace,
    secrets,
    storageClasses: readJson(target, ['get', 'storageclasses.storage.k8s.io', '-o', 'json']),
    ingressClasses: readJson(target, ['get', 'ingressclasses.networking.k8s.io', '-o', 'json']),
    networking: readJson(target, ['get', '--raw', '/apis/networking.k8s.io/v1']),
    dryRun: missingNamespace ? undefined : dryRun(target, manifests),
  };
}
