import { isObject } from '../../schema/json-schema.js';
import { type ImportContext, type ImportOptions } from '../import-context.js';
import type { TargetFacts } from '../target-facts.js';
import { componentOn } from '../../model/topology.js';

export type Obj = Record<string, unknown>;
export type SecretValue = string | { secretKeyRef: { name: string; key: string } };
export type EnvValue = SecretValue | { configMapKeyRef: { name: string; key: string } };

/**
 * This chart's Retool backend components (retoolEnv) that the imported values run: the official chart's main,
 * jobs, workflow and other backend pods, which share its top-level pod settings.
 */
export function backendComponents(ctx: ImportContext, target: Pick<TargetFacts, 'components'>): string[] {
  return target.components.filter((c) => c.retoolEnv && componentOn(c, (path) => ctx.get(path))).map((c) => c.key);
}
export const RETOOLDB_ENV: Record<string, string> = {
  RETOOLDB_POSTGRES_HOST: 'host',
  RETOOLDB_POSTGRES_PORT: 'port',
  RETOOLDB_POSTGRES_DB: 'name',
  RETOOLDB_POSTGRES_USER: 'user',
  RETOOLDB_POSTGRES_PASSWORD: 'password',
  RETOOLDB_POSTGRES_SSL_ENABLED: 'ssl',
};


export interface Version { major: number; minor: number; patch: number }

/** kubectl, in the release's namespace when the import was told it. */
export function kubectl(options: ImportOptions): string {
  return options.namespace ? `kubectl -n ${options.namespace}` : 'kubectl';
}

export function ref(name: string, key: string): SecretValue {
  return { secretKeyRef: { name, key } };
}

/** Helm's truthiness: empty strings, zero, empty maps and lists are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function numStr(value: unknown): string | undefined {
  return typeof value === 'number' ? String(value) : undefined;
}

export function int(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

export function bool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function compareVersion(v: Version, [major, minor, patch]: readonly [number, number, number]): number {
  return v.major - major || v.minor - minor || v.patch - patch;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}

export function setResources(ctx: ImportContext, path: string, value: unknown, from: string) {
  if (!isObject(value)) return;
  const out: Obj = {};
  for (const part of ['requests', 'limits']) {
    const quantities = value[part];
    if (isObject(quantities) && Object.keys(quantities).length) out[part] = { ...quantities };
  }
  for (const key of Object.keys(value)) if (key !== 'requests' && key !== 'limits') ctx.drop(`${from.split(' ')[0]}.${key}`, 'only requests and limits are resources', false);
  ctx.set(path, out, from);
}

export function mergeMaps(ctx: ImportContext, path: string, sources: string[]) {
  const merged: Obj = {};
  const used: string[] = [];
  for (const source of sources) {
    const value = ctx.read(source);
    if (isObject(value) && Object.keys(value).length) {
      for (const [k, v] of Object.entries(value)) merged[k] = String(v);
      used.push(source);
    }
  }
  if (used.length) ctx.set(path, merged, used.join(' + '));
}

export function copyKnown(ctx: ImportContext, from: Obj, to: Obj, keys: readonly string[], path: string) {
  for (const [key, value] of Object.entries(from)) {
    if (keys.includes(key)) to[key] = value;
    else ctx.drop(`${path}.${key}`, `not a ${path.includes('extraSecurityContext') ? 'pod' : 'container'} security setting this chart accepts`);
  }
}
