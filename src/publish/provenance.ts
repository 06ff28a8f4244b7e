import yaml from 'js-yaml';
import type { ChartArchive } from './chart-archive.js';

/**
 * The text Helm signs in a .prov file: the chart metadata, YAML's document-end marker (`---` is not allowed
 * in a clearsigned block), then the archive's sha256 by file name. `helm verify` checks the signature, then
 * that digest.
 */
export function provenanceMessage(archive: ChartArchive): string {
  const metadata = yaml.dump(archive.metadata, { lineWidth: -1, sortKeys: true });
  const files = yaml.dump({ files: { [archive.fileName]: `sha256:${archive.sha256}` } }, { lineWidth: -1 });
  return `${metadata}\n...\n${files}`;
}
