import { closeSync, openSync, readSync } from 'node:fs';
import yaml from 'js-yaml';
import { inputIssue, issueAt, IssuesError, jsonPointer } from '../issue.js';
import { isObject } from '../schema/json-schema.js';
import { GoNull, HELM_YAML_SCHEMA, aliasingProblem, unbox, type UnboxProblem } from './helm-yaml.js';
import { lineStarts, offsetToPosition, recordYamlNodes, type Position } from '../yaml-positions.js';

/** A parsed `-f` values file that can say where each key was written. */
export interface ValuesFile {
  file: string;
  values: Record<string, unknown>;
  /**
   * Position of the key (or list item) at `path`; array indices are given as strings ("0"). When the exact
   * node is not in this file, the position of its deepest existing ancestor; `[]` is line 1, column 1.
   */
  locate(path: readonly string[]): Position | undefined;
}

/** Reads and parses a values file; any problem (missing file, encoding, YAML syntax, non-mapping document) throws IssuesError. */
export function loadValuesFile(file: string): ValuesFile {
  let bytes: Buffer;
  try {
    bytes = readBounded(file);
  } catch (error) {
    if (error instanceof IssuesError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a values file' : `cannot read: ${(error as Error).message}`;
    throw new IssuesError([inputIssue('input.unreadable', message, { file })], `${file}: ${message}`);
  }
  return parseValuesYaml(decodeValuesBytes(bytes, file), file);
}

/**
 * Values files above this size are refused before they are parsed. Helm keeps the values of a release in its
 * release Secret (1 MiB, gzip-compressed), so an install with more would fail after rendering; 5 MiB is also
 * Helm's limit for any one file inside a chart (`MaxDecompressedFileSize`). The bound keeps a 50 MB file from
 * costing minutes and gigabytes before its first error.
 */
export const MAX_VALUES_BYTES = 5 * 1024 * 1024;

/** The bytes of `file`, read at most MAX_VALUES_BYTES + 1 of them (a pipe or a device has no size to ask). */
export function readBounded(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, MAX_VALUES_BYTES + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > MAX_VALUES_BYTES) {
        const message = `the file is larger than ${MAX_VALUES_BYTES / 1024 / 1024} MiB; values that big cannot be stored in Helm's release Secret (1 MiB) and are refused unread: move data into ConfigMaps or Secrets of your own and reference them`;
        throw new IssuesError([inputIssue('input.too-large', message, { file })], `${file}: too large`);
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/**
 * The text of a values file as go-yaml reads it: UTF-8 (a UTF-16 big-endian file with a byte order mark is
 * decoded too, as both Helms do; little-endian is refused, see below). Bytes that are not valid UTF-8 are refused with their position: Node would silently turn
 * them into U+FFFD, while Helm refuses the file ("invalid leading UTF-8 octet").
 */
export function decodeValuesBytes(bytes: Uint8Array, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    // Helm 3 reads it; Helm 4 refuses it ("yaml: incomplete UTF-16 character": it splits documents on bytes).
    // One verdict means refusing: Helm 4 would.
    const message = 'the file is UTF-16 little-endian (it starts with the byte order mark FF FE); Helm 4 refuses it ("incomplete UTF-16 character") while Helm 3 reads it: save it as UTF-8';
    throw new IssuesError([inputIssue('input.encoding', message, { file, line: 1, column: 1 })], `${file}: UTF-16LE`);
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return new TextDecoder('utf-8').decode(bytes);
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
  const position = offsetToPosition(lineStarts(text), text.length);
  const message = `the file is not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at byte offset ${bad}); Helm refuses it too ("invalid leading UTF-8 octet"): save it as UTF-8`;
  throw new IssuesError([inputIssue('input.encoding', message, { file, ...position })], `${file}: not UTF-8`);
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no surrogates, at most U+10FFFF), or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { length = 2; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { length = 3; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { length = 4; min = 0x10000; }
    else return i;
    if (i + length > bytes.length) return i;
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}

/** Characters YAML (and so Helm) does not allow raw in a file; escapes in double quotes ("\x01") are fine. */
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(file: string, text: string, offset: number, message: string): never {
  const position = offsetToPosition(lineStarts(text), offset);
  throw new IssuesError([inputIssue('input.helm-yaml', message, { file, ...position })], `${file}: ${message}`);
}

/**
 * Parses values YAML text exactly as Helm reads a values file (YAML 1.1 scalars, see helm-yaml.ts); `file` names
 * it in issues. An empty document is `{}`. Refused, with file:line:col: non-printable characters, several
 * documents (Helm 3 reads only the first, Helm 4 merges them all), keys Helm cannot turn into strings,
 * .inf/.nan, lone surrogates, tags other than the standard ones, duplicate keys (Helm keeps the last silently).
 */
export function parseValuesYaml(source: string, file: string): ValuesFile {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const bad = NON_PRINTABLE.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    fail(file, text, bad.index, `control or non-printable character U+${code} is not allowed in YAML; Helm refuses the file ("control characters are not allowed"); write it as an escape in double quotes ("\\u${code}") if you mean it`);
  }
  const breaks = /[\u0085\u2028\u2029]/.exec(text);
  if (breaks) {
    const code = breaks[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    fail(file, text, breaks.index, `U+${code} is a line break to Helm's YAML 1.1 parser, not to YAML 1.2 (so a value would be cut in two); Helm refuses the line ("could not find expected ':'"): write it as an escape in double quotes ("\\u${code}")`);
  }
  const directive = /^%/m.exec(text);
  if (directive) fail(file, text, directive.index, 'YAML directives (%YAML, %TAG) are read by Helm 3 but refused by Helm 4 ("did not find expected <document start>"); remove the line');
  const firstContent = /^(?![ \t]*(#|$)).*$/m.exec(text);
  if (firstContent && /^\.\.\.([ \t]|$)/.test(firstContent[0])) fail(file, text, firstContent.index, 'the file starts with a document end marker (...) before any document; Helm refuses it ("did not find expected node content")');
  // go-yaml limits an implicit key to 1,024 characters from its start (Helm 3 refuses from 1,023 written characters).
  for (const match of text.matchAll(/^([ \t]*(?:-[ \t]+)*)("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s#'"{\[\]},&*!|>%@`?-][^\n#]*?|-[^\s\n#][^\n#]*?)[ \t]*:(?=[ \t]|$)/gm)) {
    if (match[2].length > 1022) fail(file, text, match.index! + match[1].length, `a map key of ${match[2].length} characters: Helm refuses implicit keys longer than 1,022 (Helm 3) or 1,024 (Helm 4) characters ("mapping values are not allowed in this context"); shorten it`);
  }
  const nodes = recordYamlNodes();
  let documents: unknown[];
  try {
    // maxDepth: go-yaml's own limit ("exceeded max depth of 10000"); js-yaml's default of 100 would refuse more.
    documents = yaml.loadAll(text, undefined, { filename: file, schema: HELM_YAML_SCHEMA, listener: emptyBangIsString(nodes.listener), maxDepth: 10000 } as yaml.LoadOptions);
  } catch (error) {
    if (error instanceof RangeError) fail(file, text, 0, 'the document nests more deeply than retool-chart can read (about 1,000 levels; Helm stops at 10,000)');
    if (!(error instanceof yaml.YAMLException)) throw error;
    const mark = error.mark as yaml.Mark | undefined;
    const issue = inputIssue('input.yaml', `invalid YAML: ${error.reason}`, {
      file,
      line: mark ? mark.line + 1 : undefined,
      column: mark ? mark.column + 1 : undefined,
    });
    throw new IssuesError([issue], `${file}: invalid YAML`);
  }
  const extra = documents.findIndex((document, i) => i > 0 && document !== null && document !== undefined);
  if (extra > 0) {
    const marker = [...text.matchAll(/^---/gm)].map((m) => m.index!).filter((offset) => offset > 0 || !/^---/.test(text))[extra - 1] ?? 0;
    fail(file, text, marker, `the file holds ${documents.length} YAML documents (separated by ---); Helm 3 reads only the first and Helm 4 merges them all, so put all values in one document`);
  }
  const complex = nodes.complexKeys(text);
  if (complex.length) fail(file, text, complex[0], 'a map key is a list or a map; Helm accepts only keys that convert to strings ("invalid map key")');
  const loaded = documents[0];
  // A file of only `~` (or null) is an empty document to Helm.
  if (loaded === undefined || loaded === null || loaded instanceof GoNull) return { file, values: {}, locate: () => ({ line: 1, column: 1 }) };
  const aliasing = aliasingProblem(loaded);
  if (aliasing) fail(file, text, 0, aliasing);
  if (!isObject(loaded)) {
    const got = Array.isArray(loaded) ? 'a list' : `a ${typeof loaded === 'object' ? 'scalar' : typeof loaded}`;
    const message = `the document must be a mapping of values (key: value), got ${got}`;
    throw new IssuesError([inputIssue('input.not-a-map', message, { file, line: 1, column: 1 })], `${file}: ${message}`);
  }
  const locate = nodes.locator(text);
  const problems: UnboxProblem[] = [];
  const values = unbox(loaded, problems) as Record<string, unknown>;
  if (problems.length) {
    const issues = problems.map((problem) => issueAt('input.value', { path: problem.path.join('.'), pointer: jsonPointer(problem.path) }, problem.message, { file, ...locate(problem.path) }));
    throw new IssuesError(issues, `${file}: values Helm cannot read`);
  }
  return { file, values, locate };
}

/**
 * The non-specific tag `!` on an empty node (`host: !`): go-yaml reads the empty string, js-yaml leaves null
 * (which the schema would take for a deletion). Set on js-yaml's "close" event, before the parent stores it.
 */
function emptyBangIsString(listener: (event: yaml.EventType, state: yaml.State) => void): (event: yaml.EventType, state: yaml.State) => void {
  return (event, state) => {
    const node = state as yaml.State & { tag?: string | null };
    if (event === 'close' && node.tag === '!' && (node.result === null || node.result === undefined)) node.result = '';
    listener(event, state);
  };
}
