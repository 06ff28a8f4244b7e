import { isObject } from '../schema/json-schema.js';

/** A values path: keys, and numbers for list indices. */
export type PathSegment = string | number;

/** The value at a path of map keys, or undefined where the path leaves the maps. */
export function valueAt(tree: unknown, path: readonly string[]): unknown {
  let cursor = tree;
  for (const segment of path) {
    if (!isObject(cursor)) return undefined;
    cursor = cursor[segment];
  }
  return cursor;
}

/** JSON pointer → segments; list indices become numbers where the values hold a list. */
export function instanceSegments(pointer: string, values: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let cursor = values;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cursor) && /^\d+$/.test(key)) {
      out.push(Number(key));
      cursor = cursor[Number(key)];
    } else {
      out.push(key);
      cursor = isObject(cursor) ? cursor[key] : undefined;
    }
  }
  return out;
}

/** Dotted values path: `a.b[0].c`; dots and backslashes inside keys are backslash-escaped, as for --set. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const escaped = segment.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
      out += out ? `.${escaped}` : escaped;
    }
  }
  return out;
}

export function compareSegments(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
