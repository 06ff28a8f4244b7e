import { ISSUE_CODES, type IssueCode } from './issue-codes.js';

export type { IssueCode } from './issue-codes.js';

/** How much an issue matters: an error stops the command (exit 1, or 6 for diff), a warning or info does not. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * One problem found by any checker (validate, the chart's pod rules, schema lint, doctor, diff, import), kept as
 * data until the CLI prints it; `--output json` carries it as it is.
 */
export interface Issue {
  /** What kind of problem, stable across releases and wordings (the list: src/issue-codes.ts). Tests and CI match on it. */
  code: IssueCode;
  severity: Severity;
  /** Where, for people: a dotted values path, a schema pointer (#/properties/…) or Kind/name (diff). */
  path: string;
  /** The same place as an RFC 6901 JSON pointer into the checked document ("" is the whole of it). */
  pointer: string;
  message: string;
  /** What to do about it, when the checker knows. */
  fix?: string;
  /** doctor: the check ran and found nothing wrong (severity info). */
  passed?: true;
  file?: string;
  line?: number;
  column?: number;
}

/** An issue of `code` at `where` (segments or an already formatted pointer), with the code's own severity. */
export function issueAt(code: IssueCode, where: { path: string; pointer: string }, message: string, extra: Partial<Issue> = {}): Issue {
  return { code, severity: ISSUE_CODES[code].severity, path: where.path, pointer: where.pointer, message, ...extra };
}

/** A problem with a whole input (a file, a --set argument): no place inside it. */
export function inputIssue(code: IssueCode, message: string, extra: Partial<Issue> = {}): Issue {
  return issueAt(code, { path: '', pointer: '' }, message, extra);
}

/** RFC 6901: each segment with ~ as ~0 and / as ~1, joined under a leading slash ("" for none). */
export function jsonPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function formatIssue(issue: Issue): string {
  const where = issue.file ? `${issue.file}:${issue.line ?? 1}:${issue.column ?? 1}` : '<values>';
  const tag = issue.severity === 'error' ? '' : `${issue.severity}: `;
  return `${where}  ${issue.path || '(root)'}  ${tag}${issue.message}  [${issue.code}]`;
}

/** Thrown at the edges when a list of issues must stop a command. */
export class IssuesError extends Error {
  constructor(readonly issues: Issue[], summary: string) {
    super(`${summary}\n${issues.map(formatIssue).join('\n')}`);
  }
}
