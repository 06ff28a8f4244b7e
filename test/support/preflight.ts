import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { runHelm, type HelmMajor } from '../../src/io/helm.js';
import { CHART, NAMESPACE, RELEASE } from './paths.js';
import { parseManifests, type K8sObject } from './render.js';

export const PREFLIGHT_TEMPLATE = 'templates/tests/preflight.yaml';

/** Values of an external storage database (and optionally an external Temporal) for the preflight cases. */
export function externalValues(db: { host: string; port: number; name: string; user: string; password: string }, temporal?: { host: string; port: number }) {
  return {
    profile: 'production',
    retool: { licenseKey: 'license', encryptionKey: 'encryption', jwtSecret: 'jwt' },
    database: { mode: 'external', external: { ...db, ssl: false } },
    ...(temporal ? { temporal: { mode: 'external', external: { ...temporal, namespace: 'retool' } } } : {}),
  };
}

/** Renders the chart with these values and returns its test Pod and Secret, as Helm would install them. */
export function renderPreflight(values: object, major: HelmMajor = 4): { pod: K8sObject; secret?: K8sObject } {
  const dir = mkdtempSync(join(tmpdir(), 'retool-chart-preflight-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, yaml.dump(values));
    const result = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', file], { major });
    if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
    const objects = parseManifests(result.stdout);
    const pod = objects.find((o) => o.kind === 'Pod' && o.metadata.annotations?.['helm.sh/hook'] === 'test');
    if (!pod) throw new Error('no helm test Pod rendered');
    return { pod, secret: objects.find((o) => o.kind === 'Secret') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the exact script of the test Pod's container with the local bash and psql, its env resolved the way
 * the kubelet would: literal values as they are, secretKeyRefs from the rendered Secret.
 */
export function runPreflightPod(pod: K8sObject, secret: K8sObject | undefined) {
  const container = pod.spec.containers[0];
  const [shell, flag, script] = container.command as string[];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const entry of container.env as any[]) {
    if ('value' in entry) { env[entry.name] = entry.value; continue; }
    const ref = entry.valueFrom.secretKeyRef;
    if (!secret || ref.name !== secret.metadata.name) throw new Error(`${entry.name}: Secret ${ref.name} is not rendered by the chart`);
    env[entry.name] = Buffer.from(secret.data[ref.key], 'base64').toString('utf8');
  }
  env.HOME = tmpdir();
  const result = spawnSync(shell, [flag, script], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
