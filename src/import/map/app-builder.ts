import { type ImportContext } from '../import-context.js';
import { kubectl, numStr, ref, str, truthy } from './helpers.js';
import { setEnv } from './env-values.js';
import { setRepository } from './images.js';

/** appBuilder.agentSandbox's keys, the official rr.agentSandbox values and their keys in its externalSecret. */
const KEYS = [
  ['jwtPublicKey', 'jwt-public-key'],
  ['jwtPrivateKey', 'jwt-private-key'],
  ['encryptionKey', 'encryption-key'],
] as const;

/**
 * The agent sandbox's key pair and encryption key (tryretool/retool-helm 6.11.21 deployment_agent_sandbox.yaml,
 * _helpers.tpl retool.agentSandbox.validateSecrets): a value given inline stays a string and wins, as there; else
 * rr.agentSandbox.externalSecret.name becomes a secretKeyRef to the key of the same name in that Secret. The
 * sandbox runs with rr.enabled unless rr.agentSandbox.enabled is false (components' official keys carry that).
 */
export function mapAgentSandbox(ctx: ImportContext) {
  if (!truthy(ctx.peek('rr.enabled')) || ctx.peek('rr.agentSandbox.enabled') === false) return;
  const external = str(ctx.read('rr.agentSandbox.externalSecret.name'));
  for (const [key, secretKey] of KEYS) {
    const inline = str(ctx.read(`rr.agentSandbox.${key}`));
    if (inline) ctx.set(`appBuilder.agentSandbox.${key}`, inline, `rr.agentSandbox.${key}`);
    else if (external) ctx.set(`appBuilder.agentSandbox.${key}`, ref(external, secretKey), `rr.agentSandbox.externalSecret.name (key ${secretKey})`);
  }
}

/** The official node DaemonSets' images and this chart's keys and defaults for them (retool.schema.json images). */
const NODE_IMAGES = [
  { official: 'rr.agentSandbox.devicePlugin.image', key: 'devicePlugin', repository: 'ghcr.io/smarter-project/smarter-device-manager', tag: 'v1.20.12' },
  { official: 'rr.agentSandbox.initImage', key: 'nodeInit', repository: 'busybox', tag: '1.37.0' },
] as const;
const NODE_SETUP = 'appBuilder.agentSandbox.nodeSetup';

/**
 * Retool's node DaemonSets (tryretool/retool-helm 6.11.21 agent_sandbox_device_plugin.yaml, agent_sandbox_prepuller.yaml,
 * agent_sandbox_seccomp.yaml): the official chart renders the prepuller and the seccomp installer whenever the
 * sandbox runs, and the device plugin unless sandboxNetwork.deployDaemonSet is false; here each is opt-in, so the
 * import turns on what ran. The seccomp installer cannot come along without the profile Retool's chart ships
 * (files/gvisor-seccomp.json): the nodes keep the copy the official installer wrote, and a step says how to give it.
 */
export function mapNodeSetup(ctx: ImportContext) {
  if (!truthy(ctx.peek('rr.enabled')) || ctx.peek('rr.agentSandbox.enabled') === false) return;
  // OFFICIAL_DEFAULTS keeps only rr's switch, so an absent key here is the official default (values.yaml 6.11.21).
  const orDefault = (path: string, fallback: unknown) => { const v = ctx.read(path); return v === undefined ? fallback : v; };
  if (truthy(orDefault('rr.agentSandbox.sandboxNetwork.deployDaemonSet', true))) {
    ctx.set(`${NODE_SETUP}.devicePlugin.enabled`, true, 'rr.agentSandbox.sandboxNetwork.deployDaemonSet');
    const max = ctx.read('rr.agentSandbox.devicePlugin.maxDevices');
    if (typeof max === 'number' && max !== 130) ctx.set(`${NODE_SETUP}.devicePlugin.maxDevices`, max, 'rr.agentSandbox.devicePlugin.maxDevices');
    const priority = orDefault('rr.agentSandbox.devicePlugin.priorityClassName', 'system-node-critical');
    if (priority !== 'system-node-critical') ctx.set(`${NODE_SETUP}.devicePlugin.priorityClassName`, str(priority) ?? '', 'rr.agentSandbox.devicePlugin.priorityClassName');
  }
  ctx.set(`${NODE_SETUP}.imagePrepuller.enabled`, true, 'rr.agentSandbox (the official chart runs the prepuller with the sandbox)');
  if (truthy(orDefault('rr.agentSandbox.hostNetwork', true))) ctx.set(`${NODE_SETUP}.hostNetwork`, true, 'rr.agentSandbox.hostNetwork');
  for (const image of NODE_IMAGES) {
    setRepository(ctx, image.key, str(ctx.read(`${image.official}.repository`)) ?? image.repository, image.repository, `${image.official}.repository`);
    const tag = str(ctx.read(`${image.official}.tag`));
    if (tag && tag !== image.tag) ctx.set(`images.${image.key}.tag`, tag, `${image.official}.tag`);
    const digest = str(ctx.read(`${image.official}.digest`));
    if (digest) ctx.set(`images.${image.key}.digest`, digest, `${image.official}.digest`);
  }
  if (truthy(ctx.read('rr.agentSandbox.appArmorProfileInstaller'))) {
    ctx.drop('rr.agentSandbox.appArmorProfileInstaller', 'not carried: this chart installs no AppArmor profile (a privileged, hostPID installer); its sandboxes run AppArmor unconfined');
  }
  const profile = str(ctx.read('rr.agentSandbox.seccompProfile')) ?? 'retool/gvisor-seccomp.json';
  if (profile !== 'retool/gvisor-seccomp.json') ctx.set('components.agentSandbox.seccompProfile', profile, 'rr.agentSandbox.seccompProfile');
  ctx.action({
    title: 'Give the seccomp installer Retool\'s gVisor profile (or keep it on the nodes yourself)',
    steps: [
      `The official chart's node installer wrote /var/lib/kubelet/seccomp/${profile} on every node it ran on; this chart installs it only when given the file, so nodes added later lack it and their sandboxes fail to start.`,
      'Take files/gvisor-seccomp.json from Retool\'s chart: helm pull retool/retool --untar, at the chart version you ran.',
      `Install with --set ${NODE_SETUP}.seccompInstaller.enabled=true --set-file ${NODE_SETUP}.seccompInstaller.profile=retool/files/gvisor-seccomp.json (or keep it in a ConfigMap: ${kubectl(ctx.options)} create configmap gvisor-seccomp --from-file=profile.json=retool/files/gvisor-seccomp.json, then ${NODE_SETUP}.seccompInstaller.profileConfigMap: {name: gvisor-seccomp, key: profile.json}).`,
    ],
  });
}

/**
 * What the official chart writes as env from rr.agentSandbox values this chart has no typed values for, carried as
 * that same env (tryretool/retool-helm 6.11.21 deployment_agent_sandbox.yaml):
 * - snapshotStorage.s3Bucket: S3_BUCKET, S3_ENDPOINT, S3_REGION on the sandboxes, and AWS_ACCESS_KEY_ID /
 *   AWS_SECRET_ACCESS_KEY from keys awsAccessKeyId / awsSecretAccessKey of credentialsSecretName, else of the
 *   sandbox's externalSecret (the official chart's own Secret cannot come along: its keys are named here instead);
 * - proxy.npmRegistry (with url, which the components' official env already carries): its auth mode, token Secret,
 *   token file and TTL on the proxy. An inline token would be a literal env value here: it is refused with the way.
 */
export function mapSandboxEnv(ctx: ImportContext) {
  if (!truthy(ctx.peek('rr.enabled')) || ctx.peek('rr.agentSandbox.enabled') === false) return;
  const bucket = str(ctx.read('rr.agentSandbox.snapshotStorage.s3Bucket'));
  if (bucket) {
    const sandbox = 'components.agentSandbox.env';
    setEnv(ctx, `${sandbox}.S3_BUCKET`, bucket, 'rr.agentSandbox.snapshotStorage.s3Bucket');
    setEnv(ctx, `${sandbox}.S3_ENDPOINT`, str(ctx.read('rr.agentSandbox.snapshotStorage.s3Endpoint')) ?? '', 'rr.agentSandbox.snapshotStorage.s3Endpoint');
    setEnv(ctx, `${sandbox}.S3_REGION`, str(ctx.read('rr.agentSandbox.snapshotStorage.s3Region')) ?? 'us-east-1', 'rr.agentSandbox.snapshotStorage.s3Region');
    const secret = str(ctx.read('rr.agentSandbox.snapshotStorage.credentialsSecretName')) ?? str(ctx.peek('rr.agentSandbox.externalSecret.name'));
    if (secret) {
      const from = `rr.agentSandbox.snapshotStorage.credentialsSecretName (Secret ${secret})`;
      setEnv(ctx, `${sandbox}.AWS_ACCESS_KEY_ID`, ref(secret, 'awsAccessKeyId'), from);
      setEnv(ctx, `${sandbox}.AWS_SECRET_ACCESS_KEY`, ref(secret, 'awsSecretAccessKey'), from);
    } else {
      ctx.drop('rr.agentSandbox.snapshotStorage.credentialsSecretName', 'the snapshot credentials lived in the official chart\'s own Secret <fullname>-agent-sandbox (keys awsAccessKeyId, awsSecretAccessKey), which this chart does not keep: put them in a Secret of yours and set components.agentSandbox.env.AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to its secretKeyRefs');
    }
    ctx.note('Snapshot storage: the sandboxes dial the snapshot bucket; with networkPolicy on they reach only the proxy and DNS, as in the official chart\'s policy, so allow the bucket in networkPolicy or keep it reachable through the proxy.');
  }
  const npm = 'rr.agentSandbox.proxy.npmRegistry';
  if (!str(ctx.peek(`${npm}.url`))) return;
  const proxy = 'components.agentSandboxProxy.env';
  setEnv(ctx, `${proxy}.NPM_PUBLIC_REGISTRY_AUTH_MODE`, str(ctx.read(`${npm}.authMode`)) ?? 'bearer', `${npm}.authMode`);
  const secretName = str(ctx.read(`${npm}.authTokenSecret.name`));
  const secretKey = str(ctx.read(`${npm}.authTokenSecret.key`));
  if (str(ctx.read(`${npm}.authToken`))) {
    ctx.drop(`${npm}.authToken`, 'an inline registry token would be a literal env value here: put it in a Secret and set components.agentSandboxProxy.env.NPM_PUBLIC_REGISTRY_AUTH_TOKEN to its secretKeyRef (the official authTokenSecret)');
  } else if (secretName && secretKey) {
    setEnv(ctx, `${proxy}.NPM_PUBLIC_REGISTRY_AUTH_TOKEN`, ref(secretName, secretKey), `${npm}.authTokenSecret`);
  }
  const file = str(ctx.read(`${npm}.authTokenFile`));
  if (file) setEnv(ctx, `${proxy}.NPM_PUBLIC_REGISTRY_AUTH_TOKEN_FILE`, file, `${npm}.authTokenFile`);
  const ttl = str(ctx.read(`${npm}.authTokenTtlMs`)) ?? numStr(ctx.peek(`${npm}.authTokenTtlMs`));
  if (ttl) setEnv(ctx, `${proxy}.NPM_PUBLIC_REGISTRY_AUTH_TOKEN_TTL_MS`, ttl, `${npm}.authTokenTtlMs`);
}

/**
 * The official rr.gitServer.enabled: false (null inherits rr.enabled) runs the app builder without its git server,
 * in api or on its own; appBuilder.gitServer.enabled: false does the same here.
 */
export function mapGitServerSwitch(ctx: ImportContext) {
  if (!truthy(ctx.peek('rr.enabled'))) return;
  if (ctx.read('rr.gitServer.enabled') === false) ctx.set('appBuilder.gitServer.enabled', false, 'rr.gitServer.enabled');
}
