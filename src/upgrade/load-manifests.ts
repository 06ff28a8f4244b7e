import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { inputIssue, IssuesError } from '../issue.js';
import { isObject } from '../schema/json-schema.js';
import type { Manifest } from './manifest-diff.js';

/** Objects of a multi-document manifest (helm template / helm get manifest output). */
export function parseManifestText(text: string, file: string): Manifest[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, { filename: file });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const mark = error.mark as yaml.Mark | undefined;
    throw new IssuesError([inputIssue('input.yaml', `invalid YAML: ${error.reason}`, { file, line: mark ? mark.line + 1 : undefined, column: mark ? mark.column + 1 : undefined })], `${file}: invalid YAML`);
  }
  return docs.filter((d): d is Manifest => isObject(d) && typeof d.kind === 'string' && isObject(d.metadata) && typeof d.metadata.name === 'string');
}

export function loadManifestFile(file: string): Manifest[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const message = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`;
    throw new IssuesError([inputIssue('input.unreadable', message, { file })], `${file}: ${message}`);
  }
  const objects = parseManifestText(text, file);
  if (!objects.length) throw new IssuesError([inputIssue('input.manifest', 'no Kubernetes objects in this file (expected the output of helm get manifest)', { file, line: 1, column: 1 })], `${file}: no objects`);
  return objects;
}
