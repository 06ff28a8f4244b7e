import { GENERATED_BANNER } from './banner.js';
import { EDITOR_SCHEMA_FILE } from './editor-schema.js';

/*
 * Chart files that stay out of what Helm loads. Helm keeps every file of the chart in every release revision's
 * Secret (gzip + base64 of the whole chart, 1 MiB per Secret): the editor schema alone made that about 116 KB
 * bigger per revision. It is for editors, not Helm: `package` publishes it at its URL (the packaged values.yaml
 * modeline points there) and the checkout and the npm package keep it beside values.yaml.
 */
export const HELM_IGNORED = [EDITOR_SCHEMA_FILE];

/** `.helmignore` of the chart: Helm's loader (install/template from the directory, `helm package`) reads it. */
export function emitHelmignore(): string {
  return [
    `# ${GENERATED_BANNER}`,
    '# Not loaded by Helm, so not stored in each release revision: the editor schema is for editors (published at',
    '# its URL; the packaged values.yaml points there). retool-chart package leaves the same files out.',
    ...HELM_IGNORED,
    '',
  ].join('\n');
}
