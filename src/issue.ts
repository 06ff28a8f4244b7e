/** One problem found by any checker, kept as data until the CLI prints it. */
export interface Issue {
  /** Where in the document: a dotted values path or a JSON pointer. */
  path: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export function formatIssue(issue: Issue): string {
  const where = issue.file ? `${issue.file}:${issue.line ?? 1}:${issue.column ?? 1}` : '<values>';
  return `${where}  ${issue.path || '(root)'}  ${issue.message}`;
}

/** Thrown at the edges when a list of issues must stop a command. */
export class IssuesError extends Error {
  constructor(readonly issues: Issue[], summary: string) {
    super(`${summary}\n${issues.map(formatIssue).join('\n')}`);
  }
}
