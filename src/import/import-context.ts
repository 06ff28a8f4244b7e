import { isObject } from '../schema/json-schema.js';
import type { Capabilities, Capability } from './capabilities.js';
import { valueAt } from '../validate/values-paths.js';

/** An official key (or value) the import could not carry. */
export interface Dropped {
  /** Dotted official values path. */
  path: string;
  reason: string;
  /** Whether leaving it out changes what runs (false: inert or cosmetic). */
  changesBehaviour: boolean;
}

/** A step the operator must take by hand (typically before `helm upgrade`), in order. */
export interface Action {
  title: string;
  steps: string[];
}

export interface ImportOptions {
  /** Release name of the official installation (names of the objects it created). */
  release: string;
  /** Namespace of the release, for the kubectl commands of the manual steps. */
  namespace?: string;
  capabilities: Capabilities;
}

/**
 * Collects the mapping of one import: reads official values (recording which keys were used), writes our
 * values (recording where each came from), and gathers what was dropped and what the operator must do.
 */
export class ImportContext {
  readonly values: Record<string, unknown> = {};
  /** Our dotted path -> where it came from (official paths, or an explanation). */
  readonly origins = new Map<string, string>();
  readonly used = new Set<string>();
  readonly dropped: Dropped[] = [];
  readonly notes: string[] = [];
  readonly actions: Action[] = [];

  constructor(readonly official: Record<string, unknown>, readonly options: ImportOptions) {}

  can(capability: Capability): boolean {
    return this.options.capabilities.has(capability);
  }

  /** The merged official value at `path` (dotted; a key holding dots is one segment in brackets: a.[b.c]). */
  read(path: string): unknown {
    this.used.add(path);
    return this.peek(path);
  }

  /** The merged official value at `path`, without marking it used. */
  peek(path: string): unknown {
    return valueAt(this.official, splitPath(path));
  }

  /** Marks every key under `path` used (a whole section handled at once). */
  use(path: string): void {
    this.used.add(path);
  }

  /** Sets our value at `path`; `from` names the official source, for the comment on that key. */
  set(path: string, value: unknown, from: string): void {
    const segments = splitPath(path);
    let cursor = this.values;
    for (const segment of segments.slice(0, -1)) {
      if (!isObject(cursor[segment])) cursor[segment] = {};
      cursor = cursor[segment] as Record<string, unknown>;
    }
    cursor[segments[segments.length - 1]] = value;
    const previous = this.origins.get(path);
    this.origins.set(path, previous && previous !== from ? `${previous}; ${from}` : from);
  }

  /** Removes our value at `path` (and its origin comments); used when this chart's schema refuses it. */
  unset(path: string): void {
    const segments = splitPath(path);
    let cursor: unknown = this.values;
    for (const segment of segments.slice(0, -1)) {
      if (!isObject(cursor)) return;
      cursor = cursor[segment];
    }
    if (isObject(cursor)) delete cursor[segments[segments.length - 1]];
    for (const key of [...this.origins.keys()]) if (key === path || key.startsWith(`${path}.`)) this.origins.delete(key);
  }

  /** Our value at `path`, if the import set it. */
  get(path: string): unknown {
    return valueAt(this.values, splitPath(path));
  }

  drop(path: string, reason: string, changesBehaviour = true): void {
    this.used.add(path);
    if (!this.dropped.some((d) => d.path === path && d.reason === reason)) this.dropped.push({ path, reason, changesBehaviour });
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  action(action: Action): void {
    if (!this.actions.some((a) => a.title === action.title)) this.actions.push(action);
  }
}

/** Splits a dotted path; `[...]` keeps a segment that contains dots (e.g. nodeSelector.[kubernetes.io/arch]). */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  const re = /\[([^\]]*)\]|([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) out.push(m[1] ?? m[2]);
  return out;
}

export function joinPath(segments: readonly string[]): string {
  return segments.map((s) => (s.includes('.') ? `[${s}]` : s)).join('.');
}
