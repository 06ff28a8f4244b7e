import { cliReferenceMarkdown } from '../cli/specs.js';

export const CLI_REFERENCE_START = '<!-- cli-reference:start (generated from src/cli/specs.ts by npm run generate; do not edit) -->';
export const CLI_REFERENCE_END = '<!-- cli-reference:end -->';

/** The project README with its CLI reference section regenerated from the same option specs as `--help`. */
export function withCliReference(readme: string): string {
  const start = readme.indexOf(CLI_REFERENCE_START);
  const end = readme.indexOf(CLI_REFERENCE_END);
  if (start === -1 || end < start) throw new Error(`README.md lacks the CLI reference markers ${CLI_REFERENCE_START} ... ${CLI_REFERENCE_END}`);
  return `${readme.slice(0, start + CLI_REFERENCE_START.length)}\n${cliReferenceMarkdown()}\n${readme.slice(end)}`;
}
