import { jsonPointer, type Issue, type IssueCode } from '../issue.js';

/** How a doctor line reads: `helm test`-style PASS / FAIL / WARN / INFO. */
export type Status = 'pass' | 'fail' | 'warn' | 'info';

const SEVERITY = { fail: 'error', warn: 'warning', info: 'info', pass: 'info' } as const;

/**
 * One doctor line as an Issue: `scope` is what was checked (a values path such as `ingress.tls.enabled`, or a
 * cluster thing such as `nodes capacity`); a passed check is severity info with `passed`. The pointer is set
 * for values paths only (see pointValues).
 */
export function finding(code: IssueCode, status: Status, scope: string, message: string, fix?: string): Issue {
  return { code, severity: SEVERITY[status], path: scope, pointer: '', message, ...(fix ? { fix } : {}), ...(status === 'pass' ? { passed: true as const } : {}) };
}

/** The status a doctor line prints with. */
export function statusOf(issue: Issue): Status {
  if (issue.passed) return 'pass';
  return issue.severity === 'error' ? 'fail' : issue.severity === 'warning' ? 'warn' : 'info';
}

/**
 * Gives every finding whose scope is a values path (its first segment one of `roots`, the values' top-level
 * keys) the JSON pointer of that path, up to a wildcard (`components.*.resources` → /components).
 */
export function pointValues(findings: Issue[], roots: readonly string[]): Issue[] {
  const top = new Set(roots);
  return findings.map((f) => {
    const segments = f.path.split('.');
    if (!top.has(segments[0]) || /\s/.test(f.path)) return f;
    const star = segments.indexOf('*');
    return { ...f, pointer: jsonPointer(star < 0 ? segments : segments.slice(0, star)) };
  });
}
