import { randomBytes } from 'node:crypto';
import yaml from 'js-yaml';
import { commentLines } from '../generate/values-yaml.js';
import { isObject, type JsonSchema } from '../schema/json-schema.js';
import { childOf, valuesTree, type ValueNode } from '../schema/values-tree.js';

/** What `retool-chart init` asks (or takes as flags); every field has a documented default. */
export interface StarterAnswers {
  profile: 'evaluation' | 'production';
  database: 'embedded' | 'external';
  temporal: 'retoolManaged' | 'external' | 'local';
  /** Empty: no Ingress. */
  ingressHost: string;
  /** An existing kubernetes.io/tls Secret for the Ingress; empty: no TLS (plain HTTP). */
  ingressTlsSecret: string;
  /** An existing Secret with tls.crt and tls.key for mTLS towards an external Temporal; empty: no mTLS. */
  temporalTlsSecret: string;
  /** That Secret also holds ca.crt, the CA that signed the Temporal frontend's certificate. */
  temporalTlsCa: boolean;
  /** Name of the Secret the values read their secrets from; undefined: secrets inline (evaluation only). */
  secretName?: string;
  /** Object storage for Retool 4.x: the in-release store, a bucket of a provider, or none. */
  blobStorage: BlobChoice;
  /** The bucket (Azure: container) of s3, gcs or azure. */
  blobBucket: string;
  /** azure: https://<account>.blob.core.windows.net, reached with the pods' managed identity. */
  blobAccountUrl: string;
}

export const BLOB_CHOICES = ['embedded', 's3', 'gcs', 'azure', 'disabled'] as const;
export type BlobChoice = typeof BLOB_CHOICES[number];

/**
 * The blob storage a starter gets unless told: the in-release store where its keys can be derived (evaluation
 * with inline keys: they come from encryptionKey), else none, which validate accepts everywhere.
 */
export function defaultBlobStorage(profile: StarterAnswers['profile'], secretName: string | undefined): BlobChoice {
  return profile === 'evaluation' && !secretName ? 'embedded' : 'disabled';
}

export function defaultAnswers(partial: Partial<StarterAnswers> = {}): StarterAnswers {
  const profile = partial.profile ?? 'evaluation';
  const secretName = partial.secretName ?? (profile === 'production' ? 'retool-secrets' : undefined);
  const blobStorage = partial.blobStorage ?? defaultBlobStorage(profile, secretName);
  return {
    profile,
    database: partial.database ?? (profile === 'production' ? 'external' : 'embedded'),
    temporal: partial.temporal ?? 'retoolManaged',
    ingressHost: partial.ingressHost ?? '',
    ingressTlsSecret: partial.ingressHost ? partial.ingressTlsSecret ?? '' : '',
    temporalTlsSecret: partial.temporal === 'external' ? partial.temporalTlsSecret ?? '' : '',
    temporalTlsCa: partial.temporal === 'external' && Boolean(partial.temporalTlsSecret) && partial.temporalTlsCa === true,
    secretName,
    blobStorage,
    blobBucket: blobStorage === 'embedded' || blobStorage === 'disabled' ? '' : partial.blobBucket ?? '',
    blobAccountUrl: blobStorage === 'azure' ? partial.blobAccountUrl ?? '' : '',
  };
}

/** Placeholders the operator must replace; each is marked in the file with a CHANGE ME comment. */
const PLACEHOLDER = {
  licenseKey: 'REPLACE-WITH-YOUR-LICENSE-KEY',
  databaseHost: 'postgres.example.internal',
  temporalHost: 'temporal-frontend.temporal.svc.cluster.local',
};

/** Keys of the Temporal mTLS Secret (the names kubectl create secret tls uses, and ca.crt beside them). */
export const TEMPORAL_TLS_KEYS = { clientCert: 'tls.crt', clientKey: 'tls.key', caCert: 'ca.crt' };

/** Keys of the generated Secret manifest. */
export const SECRET_KEYS = { licenseKey: 'license-key', encryptionKey: 'encryption-key', jwtSecret: 'jwt-secret', databasePassword: 'database-password' };

/** A fresh secret: 32 crypto-random bytes, base64. */
export function freshSecret(): string {
  return randomBytes(32).toString('base64');
}

export interface Starter {
  values: Record<string, unknown>;
  /** The values file: every key commented from the schema, placeholders marked. */
  text: string;
  /** The Secret manifest, when answers.secretName is set. */
  secret?: string;
}

/**
 * The starter values (and Secret manifest) for the answers. `schemaPath`, when given, is written as the
 * yaml-language-server modeline so that editors complete and check the file.
 */
export function buildStarter(schema: JsonSchema, answers: StarterAnswers, options: { schemaPath?: string; secret?: () => string } = {}): Starter {
  const secret = options.secret ?? freshSecret;
  const ref = (key: string) => ({ secretKeyRef: { name: answers.secretName!, key } });
  const encryptionKey = secret();
  const jwtSecret = secret();
  const values: Record<string, any> = {
    profile: answers.profile,
    retool: answers.secretName
      ? { licenseKey: ref(SECRET_KEYS.licenseKey), encryptionKey: ref(SECRET_KEYS.encryptionKey), jwtSecret: ref(SECRET_KEYS.jwtSecret) }
      : { licenseKey: PLACEHOLDER.licenseKey, encryptionKey, jwtSecret },
    database: answers.database === 'external'
      ? {
        mode: 'external',
        external: {
          host: PLACEHOLDER.databaseHost, port: 5432, name: 'retool', user: 'retool',
          password: answers.secretName ? ref(SECRET_KEYS.databasePassword) : 'REPLACE-WITH-THE-DATABASE-PASSWORD', ssl: true,
        },
      }
      // With a Secret, the in-release database's password lives there too (a derived one needs a string encryptionKey).
      : answers.secretName ? { mode: 'embedded', embedded: { password: ref(SECRET_KEYS.databasePassword) } } : { mode: 'embedded' },
    temporal: answers.temporal === 'external'
      ? { mode: 'external', external: { host: PLACEHOLDER.temporalHost, port: 7233, namespace: 'retool-workflows', ...temporalTls(answers) } }
      : { mode: answers.temporal },
  };
  if (answers.blobStorage !== 'disabled') values.blobStorage = blobStorageValues(answers);
  if (answers.ingressHost) {
    values.ingress = { enabled: true, host: answers.ingressHost, ...(answers.ingressTlsSecret && { tls: { enabled: true, secretName: answers.ingressTlsSecret } }) };
  }
  const notes: Record<string, string> = {
    'retool.licenseKey': answers.secretName ? `key ${SECRET_KEYS.licenseKey} of Secret ${answers.secretName}` : 'CHANGE ME: your Retool license key',
    'retool.encryptionKey': answers.secretName ? 'generated into the Secret manifest; never change it once Retool has started' : 'generated by retool-chart init; never change it once Retool has started',
    'database.external.host': 'CHANGE ME: your PostgreSQL server (>= 13, uuid-ossp, read committed)',
    'database.embedded.password': `key ${SECRET_KEYS.databasePassword} of Secret ${answers.secretName}, generated`,
    'database.external.password': answers.secretName ? `key ${SECRET_KEYS.databasePassword} of Secret ${answers.secretName}` : 'CHANGE ME',
    'temporal.external.host': 'CHANGE ME: your Temporal frontend',
    'ingress.tls.secretName': 'an existing kubernetes.io/tls Secret: kubectl create secret tls <name> --cert=cert.pem --key=key.pem',
    'blobStorage.mode': answers.blobStorage === 'embedded' ? 'an in-release Garage server; its keys derive from encryptionKey (evaluation only)' : '',
    'blobStorage.external.s3.bucket': 'no keys given: the pods use their AWS identity (IRSA: serviceAccount.annotations eks.amazonaws.com/role-arn), or set accessKeyId and secretAccessKey',
    'blobStorage.external.gcs.bucket': 'no key given: the pods use Google application default credentials (GKE Workload Identity: serviceAccount.annotations iam.gke.io/gcp-service-account), or set credentials',
    'blobStorage.external.azure.accountUrl': 'reached with the pods\' managed identity (serviceAccount.annotations azure.workload.identity/client-id), or set connectionString',
    'temporal.external.tls.clientCert': `key ${TEMPORAL_TLS_KEYS.clientCert} of Secret ${answers.temporalTlsSecret} (base64 of the PEM; README: Temporal mTLS Secret)`,
  };
  const header = [
    ...(options.schemaPath ? [`# yaml-language-server: $schema=${options.schemaPath}`] : []),
    `# Starter values written by retool-chart init (${answers.profile} profile). Check them with:`,
    '#   retool-chart validate -f <this file>     and, before installing,   retool-chart doctor -f <this file>',
    '# Every key the chart accepts is listed in charts/retool/values.yaml.',
  ];
  const lines = [...header];
  emit(valuesTree(schema), values, '', 0, lines, notes);
  return {
    values,
    text: `${lines.join('\n')}\n`,
    secret: answers.secretName ? secretManifest(answers, encryptionKey, jwtSecret, secret()) : undefined,
  };
}

/** blobStorage for the answers: the in-release store, or the provider's bucket with the pods' own identity. */
function blobStorageValues(answers: StarterAnswers): Record<string, unknown> {
  switch (answers.blobStorage) {
    case 'embedded': return { mode: 'embedded' };
    case 's3': return { mode: 'external', external: { provider: 's3', s3: { bucket: answers.blobBucket } } };
    case 'gcs': return { mode: 'external', external: { provider: 'gcs', gcs: { bucket: answers.blobBucket } } };
    case 'azure': return { mode: 'external', external: { provider: 'azure', azure: { container: answers.blobBucket, accountUrl: answers.blobAccountUrl } } };
    default: return { mode: 'disabled' };
  }
}

/** temporal.external.tls for the answers: client certificate and key (and the CA) from one existing Secret. */
function temporalTls(answers: StarterAnswers): Record<string, unknown> {
  if (!answers.temporalTlsSecret) return {};
  const ref = (key: string) => ({ secretKeyRef: { name: answers.temporalTlsSecret, key } });
  return {
    tls: {
      enabled: true,
      clientCert: ref(TEMPORAL_TLS_KEYS.clientCert),
      clientKey: ref(TEMPORAL_TLS_KEYS.clientKey),
      ...(answers.temporalTlsCa && { caCert: ref(TEMPORAL_TLS_KEYS.caCert) }),
    },
  };
}

function secretManifest(answers: StarterAnswers, encryptionKey: string, jwtSecret: string, databasePassword: string): string {
  const data: Record<string, string> = {
    [SECRET_KEYS.licenseKey]: PLACEHOLDER.licenseKey,
    [SECRET_KEYS.encryptionKey]: encryptionKey,
    [SECRET_KEYS.jwtSecret]: jwtSecret,
  };
  data[SECRET_KEYS.databasePassword] = answers.database === 'external' ? 'REPLACE-WITH-THE-DATABASE-PASSWORD' : databasePassword;
  const manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: answers.secretName }, type: 'Opaque', stringData: data };
  return [
    '# Written by retool-chart init with freshly generated keys (32 crypto-random bytes each).',
    '# Replace the REPLACE-WITH-... values, then: kubectl apply --namespace <namespace> -f <this file>',
    '# Keep this file OUT of version control. Store encryption-key in your secret manager (Vault, SOPS,',
    '# sealed-secrets, your cloud\'s secret store): it encrypts the credentials Retool keeps in its database,',
    '# and losing or changing it makes them unreadable.',
    yaml.dump(manifest, { quotingType: '"', lineWidth: -1 }).trimEnd(),
    '',
  ].join('\n');
}

function emit(node: ValueNode | undefined, value: Record<string, unknown>, prefix: string, indent: number, lines: string[], notes: Record<string, string>): void {
  const pad = ' '.repeat(indent);
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const child = childOf(node, key);
    if (indent === 0) lines.push('');
    for (const comment of commentLines({ ...(child?.schema ?? {}), title: undefined })) lines.push(`${pad}# ${comment}`.trimEnd());
    const note = notes[path] ? `  # ${notes[path]}` : '';
    if (isObject(v) && child?.schema.properties && !('secretKeyRef' in v)) {
      lines.push(`${pad}${key}:${note}`);
      emit(child, v, path, indent + 2, lines, notes);
    } else {
      lines.push(`${pad}${yaml.dump({ [key]: v }, { flowLevel: 1, quotingType: '"', lineWidth: -1 }).trimEnd()}${note}`);
    }
  }
}
