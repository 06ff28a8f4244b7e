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

export const POLICY_EXCEPTIONS: PolicyException[] = [
  codeExecutor('PSS103', 'privileged: true'),
  codeExecutor('PSS202', 'a privileged container always allows privilege escalation'),
  codeExecutor('KBP103', 'capabilities: a privileged container has all capabilities, dropping ALL is impossible'),
  codeExecutor('PSS206', 'capabilities: a privileged container has all capabilities, dropping ALL is impossible'),
  codeExecutor('PSS203', 'runAsNonRoot: nsjail runs as root'),
  codeExecutor('KBP104', 'runAsUser: nsjail runs as root (uid 0), so a high runAsUser is impossible'),
  codeExecutor('KBP105', 'runAsGroup: nsjail runs as root (gid 0), so a high runAsGroup is impossible'),
  codeExecutor('KBP102', 'readOnlyRootFilesystem: nsjail builds each sandbox on the container filesystem'),
  // Not an exception to the security baseline but the baseline itself: Retool reads its secrets from env
  // (LICENSE_KEY, JWT_SECRET, ...), and the chart's rule is that every one arrives through secretKeyRef.
  { rule: 'KBP111', object: /^(Deployment|StatefulSet)\//, reason: 'Retool\'s own variable names contain SECRET (JWT_SECRET); they are read from secretKeyRef, never literal values.' },
  { rule: 'KBP112', object: /^(Deployment|StatefulSet)\//, reason: 'Retool and PostgreSQL read credentials from env; the chart delivers every one through secretKeyRef, as the security baseline requires.' },
];

/** The exception accepting this finding on this object, if any. */
export function exceptionFor(finding: Finding, object: K8sObject | undefined): PolicyException | undefined {
  return POLICY_EXCEPTIONS.find((e) =>
    e.rule === finding.rule &&
    (typeof e.object === 'string' ? e.object === finding.object : e.object.test(finding.object)) &&
    (e.container === undefined || e.container === finding.container) &&
    (e.when === undefined || (object !== undefined && e.when(object))));
}
