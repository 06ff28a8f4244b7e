// The import graph of src/ and the layer rules it must keep. Pure functions over a graph, so the test can feed
// them a synthetic edge and prove that a violation is reported, plus one reader that builds the real graph.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Module -> the modules it imports; paths relative to src/, without extension. */
export type ImportGraph = Map<string, Set<string>>;

/**
 * The layers, lowest first. A module may import its own layer or a lower one, never a higher one. The first path
 * segment under src/ (a folder, or a file's name) decides a module's layer.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['issue', 'issue-codes', 'edit-distance', 'yaml-positions', 'generated'],
  ['schema'],
  ['model'],
  ['validate', 'preflight', 'upgrade'],
  ['io'],
  ['project-model'],
  ['generate', 'render', 'import', 'init', 'publish'],
  ['cli', 'index'],
];

/** Edges forbidden by name even where the layer order would allow them (none today beyond the order itself). */
export const FORBIDDEN: readonly { from: RegExp; to: RegExp; why: string }[] = [
  { from: /^(model\/|project-model$)/, to: /^schema\/lint$/, why: 'the model builder must not run the schema lint' },
];

export function layerOf(module: string): number {
  const head = module.split('/')[0];
  const index = LAYERS.findIndex((layer) => layer.includes(head));
  if (index < 0) throw new Error(`src/${module}: in no layer; add "${head}" to LAYERS in test/support/import-graph.ts`);
  return index;
}

/** Every edge that goes up the layer order or is forbidden by name, as "from -> to: why". */
export function layerViolations(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    layerOf(from);
    for (const to of targets) {
      if (layerOf(to) > layerOf(from)) found.push(`${from} -> ${to}: ${LAYERS[layerOf(from)].join('/')} may not import ${LAYERS[layerOf(to)].join('/')}`);
      for (const rule of FORBIDDEN) if (rule.from.test(from) && rule.to.test(to)) found.push(`${from} -> ${to}: ${rule.why}`);
    }
  }
  return found.sort();
}

/** Every import cycle, each as the list of modules on it (Tarjan's strongly connected components of size > 1). */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The real graph: every relative import (static, type-only, re-export and dynamic) of every .ts file under src/. */
export function readImportGraph(srcDir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const moduleOf = (file: string): string => relative(srcDir, file).replace(/\\/g, '/').replace(/\.(d\.)?[jt]s$/, '');
  for (const file of sourceFiles(srcDir)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      targets.add(moduleOf(resolve(dirname(file), ref.fileName)));
    }
    graph.set(moduleOf(file), targets);
  }
  return graph;
}
