import { diffTree, leftovers, writeTree } from '../io/write-tree.js';
import { PROJECT_ROOT, SCHEMA_FILE, packageVersion } from '../io/project.js';
import { loadGenerator } from './generator.js';
import { parseCommand } from './specs.js';

export async function generateCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'generate');
  const root = args.strings.out ?? PROJECT_ROOT;
  const { generate, OWNED_DIRS } = await loadGenerator();
  const { files } = await generate({ projectRoot: PROJECT_ROOT, schemaFile: args.strings.schema ?? SCHEMA_FILE, chartVersion: packageVersion() });
  if (args.booleans.check) {
    const left = leftovers(root, OWNED_DIRS);
    const differing = diffTree(root, files, OWNED_DIRS);
    if (left.length) {
      process.stderr.write(`an interrupted generate run left these behind (npm run generate finishes or removes them):\n${left.map((p) => `  ${p}`).join('\n')}\n`);
    }
    if (differing.length) {
      process.stderr.write(`generated files are out of date with the schema (run npm run generate):\n${differing.map((p) => `  ${p}`).join('\n')}\n`);
    }
    if (left.length || differing.length) return 1;
    process.stdout.write(`generated files are up to date (${files.size} files)\n`);
    return 0;
  }
  const recovered = writeTree(root, files, OWNED_DIRS);
  for (const line of recovered) process.stdout.write(`recovered: ${line}\n`);
  process.stdout.write(`wrote ${files.size} files\n`);
  return 0;
}
