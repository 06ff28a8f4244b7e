import { diffTree, leftovers, writeTree } from '../io/write-tree.js';
import { PROJECT_ROOT, SCHEMA_FILE, packageVersion } from '../io/project.js';
import { OWNED_DIRS } from '../io/layout.js';
import { currentByStamp, writeStamp } from '../io/generate-stamp.js';
import { loadGenerator } from './generator.js';
import { cliReferenceMarkdown, parseCommand } from './specs.js';

export async function generateCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'generate');
  const root = args.strings.out ?? PROJECT_ROOT;
  const schemaFile = args.strings.schema ?? SCHEMA_FILE;
  if (args.booleans.check && root === PROJECT_ROOT) {
    // Nothing generate reads has changed and every output is as written: no need to generate (generate-stamp.ts).
    const count = currentByStamp(root, schemaFile, OWNED_DIRS);
    if (count !== undefined) {
      process.stdout.write(`generated files are up to date (${count} files)\n`);
      return 0;
    }
  }
  const { generate } = await loadGenerator();
  const { files } = await generate({ projectRoot: PROJECT_ROOT, schemaFile, chartVersion: packageVersion(), cliReference: cliReferenceMarkdown() });
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
    if (root === PROJECT_ROOT) writeStamp(root, schemaFile, files);
    process.stdout.write(`generated files are up to date (${files.size} files)\n`);
    return 0;
  }
  const recovered = writeTree(root, files, OWNED_DIRS);
  if (root === PROJECT_ROOT) writeStamp(root, schemaFile, files);
  for (const line of recovered) process.stdout.write(`recovered: ${line}\n`);
  process.stdout.write(`wrote ${files.size} files\n`);
  return 0;
}
