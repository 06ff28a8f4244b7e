import type { IssueCode } from '../issue-codes.js';
import { issueAt, jsonPointer, type Issue } from '../issue.js';
import { formatPath, type PathSegment } from './values-paths.js';

/** An issue before it is placed in a file: its path as segments, and which node to point at. */
export interface ValuesIssue extends Issue {
  segments: PathSegment[];
  /** The node whose position best shows the problem (e.g. the bad key itself); defaults to `segments`. */
  locateSegments?: PathSegment[];
  /** For a cross-field rule's error: the values its `if` tests (e.g. `profile`), to point at when the bad value is a default. */
  triggers?: string[][];
}

/** An issue of `code` about the value at `segments`: its dotted path for people, its JSON pointer for programs. */
export function valuesIssue(code: IssueCode, segments: PathSegment[], message: string): ValuesIssue {
  return { ...issueAt(code, { path: formatPath(segments), pointer: jsonPointer(segments) }, message), segments };
}

/** The issue as the API returns it: without the segments used to place it. */
export function placed({ segments: _segments, locateSegments: _locate, triggers: _triggers, ...issue }: ValuesIssue): Issue {
  return issue;
}
