import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { Issue, IssueCode } from '../issue.js';
import { componentsOn, type Component } from '../model/topology.js';
import { isObject } from '../schema/json-schema.js';
import { finding, type Status } from './finding.js';

/** What a values rule found, before it becomes an Issue with the rule's code. */
interface Advice {
  status: Status;
  /** The values path looked at. */
  scope: string;
  message: string;
  fix?: string;
}

type Values = Record<string, any>;

/** Retool's recommendation for a single-node deployment (REFERENCE §1). */
export const RECOMMENDED = { cpu: 8, memoryGiB: 16 };
/** Retool-managed Temporal needs this Retool version or newer. */
const RETOOL_MANAGED_TEMPORAL_SINCE = [3, 6, 14];

interface Rule {
  code: IssueCode;
  sentence: string;
  check(values: Values, components: Component[]): Advice[];
}

/** Values-level checks that need no cluster; each rule's sentence names what it looks at. */
export const VALUES_RULES: Rule[] = [
  {
    code: 'doctor.secrets-in-values',
    sentence: 'under the production profile, secrets come from existing Secrets, not strings in values',
    check(values, components) {
      if (values.profile !== 'production') return [];
      return secretPaths(values, components).filter(([, value]) => typeof value === 'string' && value !== '').map(([path]) => ({
        status: 'warn' as const, scope: path,
        message: 'given as a string: it lands in the values file, the Helm release history and the chart\'s Secret',
        fix: `create a Secret and use ${path}: { secretKeyRef: { name: <secret>, key: <key> } }`,
      }));
    },
  },
  {
    code: 'doctor.image-pinning',
    sentence: 'images are pinned (no latest, digests under production)',
    check(values) {
      const out: Advice[] = [];
      for (const [key, image] of Object.entries(values.images ?? {})) {
        if (!isObject(image) || typeof image.repository !== 'string') continue;
        const tag = String(image.tag ?? '');
        if (tag === 'latest' || tag.endsWith('-latest')) {
          out.push({ status: 'fail', scope: `images.${key}.tag`, message: `"${tag}" moves under you: every node may pull a different version`, fix: 'pin a version tag (or a digest)' });
        } else if (values.profile === 'production' && !image.digest && (key === 'backend' || key === 'codeExecutor')) {
          out.push({ status: 'info', scope: `images.${key}`, message: 'pinned by tag, not by digest', fix: 'set images.<name>.digest for byte-identical rollouts' });
        }
      }
      if (values.profile === 'production' && values.retool?.channel === 'edge') {
        out.push({ status: 'warn', scope: 'retool.channel', message: 'edge releases are weekly and only the latest one is supported', fix: 'use the stable channel for production' });
      }
      return out;
    },
  },
  {
    code: 'doctor.resources',
    sentence: 'resource requests add up to Retool\'s recommended node size',
    check(values, components) {
      let cpu = 0;
      let memory = 0;
      for (const component of enabled(values, components)) {
        const own = values.components?.[component.key] ?? {};
        const requests = { ...(values.podDefaults?.resources?.requests ?? {}), ...(own.resources?.requests ?? {}) };
        const replicas = component.replicable ? (own.autoscaling?.enabled ? own.autoscaling.minReplicas : own.replicas) ?? 1 : 1;
        cpu += parseCpu(requests.cpu) * replicas;
        memory += parseMemoryGiB(requests.memory) * replicas;
      }
      const total = `${round(cpu)} vCPU / ${round(memory)} GiB`;
      if (cpu < RECOMMENDED.cpu || memory < RECOMMENDED.memoryGiB) {
        return [{
          status: 'warn', scope: 'components.*.resources',
          message: `Retool's pods request ${total} in total, below Retool's recommendation of ${RECOMMENDED.cpu} vCPU / ${RECOMMENDED.memoryGiB} GiB (single-node evaluation)`,
          fix: 'raise components.<name>.resources.requests, or make sure the nodes have that much to spare',
        }];
      }
      return [{ status: 'pass', scope: 'components.*.resources', message: `Retool's pods request ${total} in total` }];
    },
  },
  {
    code: 'doctor.architecture',
    sentence: 'pods land on x86-64 nodes',
    check(values) {
      const arch = values.podDefaults?.nodeSelector?.['kubernetes.io/arch'];
      if (arch === 'amd64') return [{ status: 'pass', scope: 'podDefaults.nodeSelector', message: 'pods are scheduled on amd64 nodes only' }];
      return [{ status: 'warn', scope: 'podDefaults.nodeSelector', message: 'Retool images are x86-64 only, and nothing keeps the pods off arm64 nodes', fix: 'set podDefaults.nodeSelector."kubernetes.io/arch": amd64' }];
    },
  },
  {
    code: 'doctor.temporal',
    sentence: 'Temporal settings fit the Retool version',
    check(values) {
      const t = values.temporal ?? {};
      if (t.mode === 'retoolManaged' && compareVersion(String(values.retool?.version ?? '0.0.0'), RETOOL_MANAGED_TEMPORAL_SINCE) < 0) {
        return [{ status: 'fail', scope: 'temporal.mode', message: `Retool-managed Temporal needs Retool ${RETOOL_MANAGED_TEMPORAL_SINCE.join('.')} or newer`, fix: 'raise retool.version, or use temporal.mode external or local' }];
      }
      if (t.mode === 'external' && values.profile === 'production' && !t.external?.tls?.enabled) {
        return [{ status: 'info', scope: 'temporal.external.tls', message: 'Temporal is reached without mTLS (Temporal Cloud requires it)', fix: 'set temporal.external.tls.enabled with clientCert and clientKey if your cluster needs it' }];
      }
      return [];
    },
  },
  {
    code: 'doctor.databases',
    sentence: 'the databases fit the profile',
    check(values) {
      const out: Advice[] = [];
      for (const key of ['database', 'retoolDatabase']) {
        if (values[key]?.mode === 'embedded') {
          out.push({ status: 'info', scope: `${key}.mode`, message: 'runs inside the release: evaluation only, no backups or high availability', fix: 'use an external PostgreSQL before real use' });
        }
      }
      return out;
    },
  },
  {
    code: 'doctor.reachability',
    sentence: 'Retool is reachable',
    check(values) {
      const ingress = values.ingress ?? {};
      // An HTTPRoute's TLS is the Gateway listener's; an https baseDomain says TLS ends in front of the Ingress.
      const https = ingress.tls?.enabled || ingress.kind === 'HTTPRoute' || String(values.retool?.baseDomain ?? '').startsWith('https://');
      if (ingress.enabled && !https && values.profile === 'production') {
        return [{
          status: 'warn', scope: 'ingress.tls.enabled',
          message: `exposed over plain HTTP at http://${ingress.host}/: passwords and session cookies cross the network unencrypted (and the chart sets COOKIE_INSECURE so that logins work at all)`,
          fix: 'set ingress.tls.enabled with ingress.tls.secretName, or terminate TLS in front of the Ingress and set retool.baseDomain: https://<host>',
        }];
      }
      if (ingress.enabled) return [{ status: 'pass', scope: 'ingress', message: `exposed at http${https ? 's' : ''}://${ingress.host}/` }];
      if (values.service?.type === 'LoadBalancer') return [{ status: 'pass', scope: 'service.type', message: 'exposed through a LoadBalancer Service' }];
      return [{ status: 'info', scope: 'ingress.enabled', message: 'Retool is not exposed outside the cluster (kubectl port-forward only)', fix: 'set ingress.enabled with ingress.host, or service.type: LoadBalancer' }];
    },
  },
  {
    code: 'doctor.agent-sandbox-keys',
    sentence: 'the agent sandbox\'s ES256 keys are a P-256 pair, and its keys are its own',
    check(values, components) {
      if (!enabled(values, components).some((c) => c.jobTemplate)) return [];
      const keys = values.appBuilder?.agentSandbox ?? {};
      const out: Advice[] = [];
      if (typeof keys.jwtPrivateKey === 'string' && typeof keys.jwtPublicKey === 'string') out.push(keyPairAdvice(keys.jwtPrivateKey, keys.jwtPublicKey));
      // Retool's upgrade guide: the sandbox's keys must be new and unique, never a secret that already guards something else.
      for (const [path, other] of [['retool.encryptionKey', values.retool?.encryptionKey], ['retool.jwtSecret', values.retool?.jwtSecret]] as const) {
        if (typeof keys.encryptionKey === 'string' && keys.encryptionKey === other) {
          out.push({ status: 'warn', scope: 'appBuilder.agentSandbox.encryptionKey', message: `the same value as ${path}: a leak of one exposes both`, fix: 'make a key of its own: openssl rand -hex 32' });
        }
      }
      return out;
    },
  },
];

/**
 * Whether the agent sandbox's private and public key are one ES256 pair: P-256 (Retool signs sandbox tokens
 * with ES256), and the public key is the private key's. A mismatch fails every sandbox token check.
 */
function keyPairAdvice(privatePem: string, publicPem: string): Advice {
  const scope = 'appBuilder.agentSandbox.jwtPublicKey';
  try {
    const privateKey = createPrivateKey(privatePem);
    const curve = privateKey.asymmetricKeyDetails?.namedCurve;
    if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
      return { status: 'fail', scope: 'appBuilder.agentSandbox.jwtPrivateKey', message: `an ${privateKey.asymmetricKeyType}${curve ? ` ${curve}` : ''} key: ES256 signs with P-256 (prime256v1)`, fix: 'openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt' };
    }
    const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const given = createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
    if (!derived.equals(given)) return { status: 'fail', scope, message: 'not the public key of jwtPrivateKey: the sandboxes, controller and proxy would refuse every token Retool signs', fix: 'openssl ec -in <private key file> -pubout' };
    return { status: 'pass', scope, message: 'an ES256 (P-256) key pair with jwtPrivateKey' };
  } catch (error) {
    return { status: 'fail', scope, message: `the key pair does not parse: ${(error as Error).message}`, fix: 'give PEM keys: -----BEGIN PRIVATE KEY----- and -----BEGIN PUBLIC KEY-----' };
  }
}

export function adviseValues(values: Values, components: Component[]): Issue[] {
  return VALUES_RULES.flatMap((rule) => rule.check(values, components).map((a) => finding(rule.code, a.status, a.scope, a.message, a.fix)));
}

function enabled(values: Values, components: Component[]): Component[] {
  return componentsOn(components, values);
}

/** Every SecretValue in use, as [values path, value]: Retool's, the databases', Temporal's and those of the components switched on. */
function secretPaths(values: Values, components: Component[]): Array<[string, unknown]> {
  const own = enabled(values, components).flatMap((c) => c.secretEnv.filter((s) => !s.value.startsWith('retool.')).map((s) => s.value));
  const out: Array<[string, unknown]> = [
    ...[...new Set(own)].map((path): [string, unknown] => [path, path.split('.').reduce<any>((v, k) => v?.[k], values)]),
    ['retool.licenseKey', values.retool?.licenseKey], ['retool.encryptionKey', values.retool?.encryptionKey], ['retool.jwtSecret', values.retool?.jwtSecret],
  ];
  for (const key of ['database', 'retoolDatabase']) {
    if (values[key]?.mode === 'external') out.push([`${key}.external.password`, values[key].external?.password]);
  }
  const tls = values.temporal?.external?.tls;
  if (values.temporal?.mode === 'external' && tls?.enabled) out.push(['temporal.external.tls.clientKey', tls.clientKey]);
  return out;
}

export function parseCpu(quantity: unknown): number {
  if (quantity === undefined || quantity === null) return 0;
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text) || 0;
}

const MEMORY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

export function parseMemoryGiB(quantity: unknown): number {
  if (quantity === undefined || quantity === null) return 0;
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(String(quantity));
  if (!match) return 0;
  return (Number(match[1]) * (match[2] ? MEMORY_UNITS[match[2]] ?? 1 : 1)) / 2 ** 30;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function compareVersion(text: string, reference: number[]): number {
  const parts = text.split('.').map(Number);
  for (let i = 0; i < reference.length; i++) if ((parts[i] ?? 0) !== reference[i]) return (parts[i] ?? 0) - reference[i];
  return 0;
}
