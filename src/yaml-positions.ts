import type { EventType, State } from 'js-yaml';

/** A 1-based line and column in a values file. */
export interface Position {
  line: number;
  column: number;
}

/** Where the key (or list item) at a values path was written; see ValuesFile.locate. */
export type Locate = (path: readonly string[]) => Position;

export interface YamlNodeRecorder {
  /** Pass as js-yaml's `listener` option. */
  listener: (event: EventType, state: State) => void;
  /** After `text` loaded successfully (and is a mapping): where each values path was written. */
  locator(text: string): Locate;
  /** Offsets of map keys that are lists or maps (`? [a, b]`, `{[a]: 1}`): keys Helm cannot read. */
  complexKeys(text: string): number[];
}

/** One composeNode call of js-yaml, as seen through its `listener` option. */
interface RawNode {
  start: number;
  end: number;
  kind: string | null;
  result: unknown;
  children: RawNode[];
}

/** Where the keys and items of a parsed collection start (offsets into the text). */
interface PosNode {
  offset: number;
  keys?: Map<string, { keyOffset: number; value: PosNode | undefined }>;
  items?: PosNode[];
}

/** Records the node tree js-yaml composes while loading, to locate values paths in the text afterwards. */
export function recordYamlNodes(): YamlNodeRecorder {
  const root: RawNode = { start: 0, end: 0, kind: null, result: undefined, children: [] };
  const stack: RawNode[] = [root];
  return {
    listener: (event, state) => {
      if (event === 'open') {
        const node: RawNode = { start: state.position, end: state.position, kind: null, result: undefined, children: [] };
        stack[stack.length - 1].children.push(node);
        stack.push(node);
      } else if (stack.length > 1) {
        const node = stack.pop()!;
        node.end = state.position;
        node.kind = (state.kind as string | null) ?? null;
        node.result = state.result;
      }
    },
    locator(text) {
      const lines = lineStarts(text);
      const documentNode = root.children.find((node) => node.kind === 'mapping');
      const tree = documentNode ? buildPositions(documentNode, text) : undefined;
      const toPosition = (offset: number): Position => offsetToPosition(lines, offset);
      return (path) => {
        let best: Position = { line: 1, column: 1 };
        let node = tree;
        for (const segment of path) {
          if (!node) break;
          if (node.keys) {
            const entry = node.keys.get(segment);
            if (!entry) break;
            best = toPosition(entry.keyOffset);
            node = entry.value;
          } else if (node.items && /^\d+$/.test(segment) && Number(segment) < node.items.length) {
            node = node.items[Number(segment)];
            best = toPosition(node.offset);
          } else break;
        }
        return best;
      };
    },
    complexKeys(text) {
      const found: number[] = [];
      const walk = (node: RawNode, parentIsMapping: boolean) => {
        if (parentIsMapping && (node.kind === 'mapping' || node.kind === 'sequence') && node.end > node.start && text[contentStart(text, node.end)] === ':') {
          found.push(contentStart(text, node.start));
        }
        for (const child of node.children) walk(child, node.kind === 'mapping');
      };
      walk(root, false);
      return found.sort((a, b) => a - b);
    },
  };
}

/*
 * js-yaml calls the listener with "open" when composeNode starts and "close" when it ends, so the calls nest
 * like the nodes. The direct children of a mapping node are its keys and values in order (a key is a scalar
 * followed by ":" on its line); the direct children of a sequence node are its items. Deeper calls (js-yaml
 * tries a scalar as a would-be mapping key, retries after tags and anchors) only ever nest inside these.
 */
function buildPositions(raw: RawNode, text: string): PosNode {
  const node: PosNode = { offset: contentStart(text, raw.start) };
  // A flow collection read while js-yaml tried a block mapping (`- {a: 1}`) is a child returning the same object.
  let inner: RawNode | undefined;
  while (raw.result !== null && typeof raw.result === 'object' && (inner = raw.children.find((c) => c.result === raw.result && (c.kind === 'mapping' || c.kind === 'sequence')))) raw = inner;
  if (raw.kind === 'mapping') {
    node.keys = new Map();
    const children = raw.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!isKeyNode(child, text)) continue;
      const next = children[i + 1];
      let value: PosNode | undefined;
      if (next && !isKeyNode(next, text)) {
        value = buildPositions(next, text);
        i++;
      }
      const key = child.result;
      if (key !== null && typeof key === 'object') continue; // complex keys are not addressable by a values path
      node.keys.set(String(key), { keyOffset: contentStart(text, child.start), value });
    }
  } else if (raw.kind === 'sequence' && Array.isArray(raw.result) && raw.children.length === raw.result.length) {
    // Empty block items (`-` alone) and flow pairs break the one-call-per-item rule; then only the list is located.
    node.items = raw.children.map((child) => buildPositions(child, text));
  }
  return node;
}

function isKeyNode(node: RawNode, text: string): boolean {
  if (node.kind !== 'scalar' && node.kind !== null) return false;
  if (node.end <= node.start) return false;
  let p = node.end;
  while (text[p] === ' ' || text[p] === '\t') p++;
  return text[p] === ':';
}

/** Skips whitespace, line breaks and comments: where the node's own text starts. */
function contentStart(text: string, offset: number): number {
  let p = offset;
  while (p < text.length) {
    const ch = text[p];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') p++;
    else if (ch === '#') while (p < text.length && text[p] !== '\n' && text[p] !== '\r') p++;
    else break;
  }
  return Math.min(p, text.length);
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export function offsetToPosition(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
