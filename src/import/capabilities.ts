import { mergeValues } from '../model/defaults.js';
import type { JsonSchema } from '../schema/json-schema.js';
import { validateValues } from '../validate/validate-values.js';

/**
 * Value shapes the import maps onto only when this chart's schema accepts them. Asking the schema (a probe
 * document validated like any values file) instead of assuming keeps the import honest across chart
 * versions: what the schema refuses is reported as dropped, never written.
 */
export type Capability =
  | 'envSecretRefs'
  | 'envConfigMapRefs'
  | 'extraEnvFrom'
  | 'extraVolumes'
  | 'extraContainers'
  | 'initContainers'
  | 'podSecurity'
  | 'seccompSandbox'
  | 'baseDomain'
  | 'cookieInsecure';

const PROBES: Record<Capability, Record<string, unknown>> = {
  envSecretRefs: { podDefaults: { env: { PROBE: { secretKeyRef: { name: 'probe', key: 'probe' } } } } },
  envConfigMapRefs: { podDefaults: { env: { PROBE: { configMapKeyRef: { name: 'probe', key: 'probe' } } } } },
  extraEnvFrom: { components: { api: { extraEnvFrom: [{ secretRef: { name: 'probe' } }] } } },
  extraVolumes: {
    podDefaults: { extraVolumes: [{ name: 'probe', emptyDir: {} }], extraVolumeMounts: [{ name: 'probe', mountPath: '/probe' }] },
  },
  extraContainers: { podDefaults: { extraContainers: [{ name: 'probe', image: 'busybox:1.37' }] } },
  initContainers: { podDefaults: { initContainers: [{ name: 'probe', image: 'busybox:1.37' }] } },
  podSecurity: { podSecurity: 'compatible' },
  seccompSandbox: { components: { codeExecutor: { sandbox: 'seccomp' } } },
  baseDomain: { retool: { baseDomain: 'https://retool.example.com' } },
  cookieInsecure: { retool: { cookieInsecure: true } },
};

const BASE = { retool: { licenseKey: 'probe', encryptionKey: 'probe', jwtSecret: 'probe' } };

export type Capabilities = ReadonlySet<Capability>;

const cache = new WeakMap<object, Capabilities>();

/** The capabilities `schema` (pod options expanded) accepts over `defaults`. */
export function detectCapabilities(schema: JsonSchema, defaults: Record<string, unknown>): Capabilities {
  let found = cache.get(schema);
  if (!found) {
    const set = new Set<Capability>();
    for (const [name, probe] of Object.entries(PROBES) as Array<[Capability, Record<string, unknown>]>) {
      const values = mergeValues(mergeValues(defaults, BASE), probe);
      if (validateValues(schema, values).length === 0) set.add(name);
    }
    found = set;
    cache.set(schema, found);
  }
  return found;
}
