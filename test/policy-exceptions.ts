import { projectModel } from '../src/project-model.js';
import type { Finding } from './support/policy.js';
import type { K8sObject } from './support/render.js';

/**
 * THE list of accepted @monokle/validation findings (practices + pod-security-standards) on the
 * golden renders. Nothing else may suppress a finding: the validator runs without annotation or
 * fingerprint suppressors. Every entry must match at least one finding of at least one fixture
 * (test/policy.test.ts fails on stale entries).
 */
export interface PolicyException {
  /** Monokle rule id, e.g. PSS103. */
  rule: string;
  /** `Kind/name` of the object: exact string, or a pattern tested against it. */
  object: string | RegExp;
  /** Only findings inside this container (by name); omit to match findings anywhere in the object. */
  container?: string;
  /** Extra condition on the rendered object; the exception applies only when it returns true. */
  when?: (object: K8sObject) => boolean;
  reason: string;
}

/** The code-executor runs user code inside nsjail unless CONTAINER_UNPRIVILEGED_MODE=true (sandbox: none). */
function nsjailSandboxed(object: K8sObject): boolean {
  const containers: any[] = object.spec?.template?.spec?.containers ?? [];
  const executor = containers.find((c) => c.name === 'code-executor');
  if (!executor) return false;
  const unprivileged = (executor.env ?? []).find((e: any) => e.name === 'CONTAINER_UNPRIVILEGED_MODE');
  return String(unprivileged?.value) !== 'true';
}

const NSJAIL = 'code-executor with sandbox: nsjail must run as a privileged root container: nsjail creates namespaces, cgroups and mounts for each sandboxed run';
const codeExecutor = (rule: string, what: string): PolicyException => ({
  rule,
  object: /^Deployment\/.+-code-executor$/,
  container: 'code-executor',
  when: nsjailSandboxed,
  reason: `${NSJAIL} (${what}).`,
});

/**
 * A sandboxed component (x-retool-component sandboxed: code-executor with sandbox: seccomp, js-executor) runs nsjail
 * under a Localhost seccomp profile with exactly what Retool's chart grants instead of privileged. From the model,
 * so a new sandboxed component needs no entry here.
 */
type Sandboxed = ReturnType<typeof projectModel>['components'][number];
const SANDBOXED = projectModel().components.filter((c) => c.sandboxed);
const seccompSandboxed = (name: string) => (object: K8sObject): boolean =>
  (object.spec?.template?.spec?.containers ?? []).find((c: any) => c.name === name)?.securityContext?.seccompProfile?.type === 'Localhost';
/** What a component's Localhost-seccomp sandbox mode grants (its x-retool-sandbox container). */
const grants = (c: Sandboxed) => Object.values(c.sandboxModes ?? {}).filter((m) => (m.container as any)?.seccompProfile?.type === 'Localhost').map((m) => m.container as any);

const SECCOMP = 'runs nsjail under a Localhost seccomp profile with exactly what Retool\'s chart grants instead of privileged';
const seccompExecutor = (rule: string, what: string, applies: (c: Sandboxed) => boolean): PolicyException[] => SANDBOXED.filter(applies).map(({ name }) => ({
  rule,
  object: new RegExp(`^Deployment/.+-${name}$`),
  container: name,
  when: seccompSandboxed(name),
  reason: `${name} ${SECCOMP} (${what}).`,
}));

/**
 * A Retool workload under podSecurity: compatible runs the image as built (its own user, writable root filesystem),
 * as every Retool artefact does; that preset meets Pod Security "baseline", not "restricted". The runtime contract
 * test pins which fixtures use which preset.
 */
const RETOOL_WORKLOAD = new RegExp(`^Deployment/.+-(${projectModel().components.map((c) => c.name).join('|')})$`);
const compatiblePreset = (object: K8sObject) => object.spec?.template?.spec?.securityContext?.runAsNonRoot !== true;
const COMPATIBLE = 'podSecurity: compatible runs Retool\'s image as built, as Retool\'s own chart and manifests do; podSecurity: restricted meets this rule';
const compatible = (rule: string, what: string): PolicyException => ({
  rule,
  object: RETOOL_WORKLOAD,
  when: compatiblePreset,
  reason: `${COMPATIBLE} (${what}).`,
});

/**
 * The components that read the Kubernetes API (x-retool-component kubernetesApi, e.g. the telemetry collector):
 * their own ServiceAccount's token is mounted, for the reason their annotation documents. Derived from the model,
 * so a new reader needs no entry here and a component that stops reading the API loses its exception.
 */
const apiReaders = (rule: string, what: string): PolicyException[] => projectModel().components.filter((c) => c.kubernetesApi).map((c) => ({
  rule,
  object: new RegExp(`^Deployment/.+-${c.name}$`),
  when: (object: K8sObject) => object.spec?.template?.spec?.serviceAccountName !== undefined && object.spec.template.spec.automountServiceAccountToken === true,
  reason: `${what}: ${c.kubernetesApi!.reason}`,
}));

/**
 * The controllers whose Role lets them create Jobs (x-retool-component kubernetesApi with create on batch/jobs, e.g.
 * the agent sandbox controller, which starts each sandbox as a Job): creating Jobs creates pods, which is their
 * purpose; the Role is namespaced. Derived from the model like apiReaders.
 */
const jobCreators = (): PolicyException[] => projectModel().components
  .filter((c) => c.kubernetesApi?.rules.some((r) => r.resources.includes('jobs') && r.verbs.includes('create')))
  .map((c) => ({
    rule: 'KBP107',
    object: new RegExp(`^Role/.+-${c.name}$`),
    reason: `no-pod-create: ${c.name} creates Jobs, and so pods, in the release's namespace only: ${c.kubernetesApi!.reason}`,
  }));

/**
 * The node DaemonSets (x-retool-node-daemonset, each opt-in): the privileges their values' descriptions state, from
 * the model, so a new one needs no entry here and one that stops mounting host paths loses its exceptions.
 */
type NodeDaemonSet = ReturnType<typeof projectModel>['nodeDaemonSets'][number];
const nodeDaemonSet = (rule: string, what: string, applies: (d: NodeDaemonSet) => boolean): PolicyException[] => projectModel().nodeDaemonSets.filter(applies).map((d) => ({
  rule,
  object: new RegExp(`^DaemonSet/.+-${d.name}$`),
  reason: `${d.name} (appBuilder.agentSandbox.nodeSetup, opt-in) ${what}.`,
}));
const mountsHost = (d: NodeDaemonSet) => d.hostPaths.length > 0;

export const POLICY_EXCEPTIONS: PolicyException[] = [
  ...apiReaders('KBP106', 'its own ServiceAccount\'s token is mounted'),
  ...jobCreators(),
  ...nodeDaemonSet('PSS105', 'mounts the node directories it prepares (hostPath), as Retool\'s manifest does', mountsHost),
  ...nodeDaemonSet('PSS201', 'mounts the node directories it prepares (hostPath volumes), as Retool\'s manifest does', mountsHost),
  ...nodeDaemonSet('PSS203', 'runs as the image\'s root user, as Retool\'s manifest does, to write the root-owned node directories it mounts', mountsHost),
  ...nodeDaemonSet('KBP104', 'runAsUser: Retool\'s manifest gives UID 1001, or the image\'s root where it writes node directories', () => true),
  ...nodeDaemonSet('KBP105', 'runAsGroup: the image\'s own group, as Retool\'s manifest leaves it', () => true),
  codeExecutor('PSS103', 'privileged: true'),
  codeExecutor('PSS202', 'a privileged container always allows privilege escalation'),
  codeExecutor('KBP103', 'capabilities: a privileged container has all capabilities, dropping ALL is impossible'),
  codeExecutor('PSS206', 'capabilities: a privileged container has all capabilities, dropping ALL is impossible'),
  codeExecutor('PSS203', 'runAsNonRoot: nsjail runs as root'),
  codeExecutor('KBP104', 'runAsUser: nsjail runs as root (uid 0), so a high runAsUser is impossible'),
  codeExecutor('KBP105', 'runAsGroup: nsjail runs as root (gid 0), so a high runAsGroup is impossible'),
  codeExecutor('KBP102', 'readOnlyRootFilesystem: nsjail builds each sandbox on the container filesystem'),
  compatible('PSS203', 'runAsNonRoot: the image\'s own user'),
  compatible('PSS206', 'capabilities: only NET_RAW is dropped, the runtime\'s default set stays'),
  compatible('KBP102', 'readOnlyRootFilesystem: Retool writes SSH keys and Source Control checkouts into the image filesystem'),
  compatible('KBP103', 'capabilities: only NET_RAW is dropped'),
  compatible('KBP104', 'runAsUser: the image\'s own user'),
  compatible('KBP105', 'runAsGroup: the image\'s own group'),
  ...seccompExecutor('PSS104', 'NET_ADMIN for nsjail\'s network isolation and Retool\'s iptables rules', (c) => grants(c).some((g) => g.capabilities?.add?.length)),
  ...seccompExecutor('PSS109', 'procMount: Unmasked for nsjail\'s process resource monitoring, inside a user namespace (hostUsers: false)', (c) => grants(c).some((g) => g.procMount === 'Unmasked')),
  // A component that also has an nsjail mode (code-executor) is already covered by its nsjail exceptions above.
  ...seccompExecutor('PSS202', 'allowPrivilegeEscalation unset, as Retool\'s chart leaves it: nsjail runs as root and sets up each jail itself', (c) => !c.sandboxModes?.nsjail && grants(c).some((g) => g.allowPrivilegeEscalation !== false)),
  // Not an exception to the security baseline but the baseline itself: Retool reads its secrets from env
  // (LICENSE_KEY, JWT_SECRET, ...), and the chart's rule is that every one arrives through secretKeyRef.
  { rule: 'KBP111', object: /^(Deployment|StatefulSet)\//, reason: 'Retool\'s own variable names contain SECRET (JWT_SECRET); they are read from secretKeyRef, never literal values.' },
  { rule: 'KBP112', object: /^(Deployment|StatefulSet)\//, reason: 'Retool and PostgreSQL read credentials from env; the chart delivers every one through secretKeyRef, as the security baseline requires.' },
  { rule: 'KBP112', object: /^Pod\/.+-preflight$/, container: 'preflight', reason: 'The helm test Pod connects with exactly the env Retool\'s containers get (POSTGRES_PASSWORD and the like, through secretKeyRef), so that it proves what Retool will see.' },
];

/** The exception accepting this finding on this object, if any. */
export function exceptionFor(finding: Finding, object: K8sObject | undefined): PolicyException | undefined {
  return POLICY_EXCEPTIONS.find((e) =>
    e.rule === finding.rule &&
    (typeof e.object === 'string' ? e.object === finding.object : e.object.test(finding.object)) &&
    (e.container === undefined || e.container === finding.container) &&
    (e.when === undefined || (object !== undefined && e.when(object))));
}
