import { join } from 'node:path';
import type { ChartModel } from '../model/chart-model.js';
import type { ProjectFiles } from '../io/project.js';
import { GENERATED_BANNER } from './banner.js';
import { chartMetadata, schemaUrl } from './chart-metadata.js';
import { EDITOR_SCHEMA_FILE, emitEditorSchema } from './editor-schema.js';
import { emitHelmignore } from './helmignore.js';
import { emitChartReadme } from './readme.js';
import { emitTemplates } from './templates.js';
import { emitAnnotationTypes, emitTypes } from './types.js';
import { emitValuesSchema } from './values-schema.js';
import { emitValuesYaml } from './values-yaml.js';
import { ANNOTATION_TYPES_FILE, CHART_DIR, TYPES_FILE } from '../io/layout.js';


/**
 * Every generated file as project-relative path -> content. Pure: reads only the model and the
 * Handlebars sources; writing is the caller's job.
 */
export async function generateFiles(model: ChartModel, chartTemplatesDir: string, project: ProjectFiles): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const chart = (path: string, content: string) => files.set(`${CHART_DIR}/${path}`, content);
  for (const [path, content] of emitTemplates(model, chartTemplatesDir, chartMetadata(model, project.info))) chart(path, content);
  chart('LICENSE', project.license);
  // chart-testing's convention: ct lint and Artifact Hub's image scan render the chart with each of these.
  for (const [name, content] of project.examples) {
    // The example's modeline is relative to examples/; from ci/ the editor schema is one folder up.
    const ciContent = content.replace(/^# yaml-language-server: \$schema=\S+$/m, `# yaml-language-server: $schema=../${EDITOR_SCHEMA_FILE}`);
    chart(`ci/${name}-values.yaml`, `# ${GENERATED_BANNER.replace('schema/retool.schema.json', `examples/${name}.values.yaml`)}\n${ciContent}`);
  }
  chart('values.yaml', emitValuesYaml(model));
  chart('values.schema.json', emitValuesSchema(model));
  chart(EDITOR_SCHEMA_FILE, emitEditorSchema(model, schemaUrl(project.info.chartRepoUrl, model.chartVersion, EDITOR_SCHEMA_FILE)));
  chart('README.md', emitChartReadme(model));
  chart('.helmignore', emitHelmignore());
  files.set(TYPES_FILE, await emitTypes(model));
  files.set(ANNOTATION_TYPES_FILE, await emitAnnotationTypes(model.annotationSchema));
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

export function chartTemplatesDir(projectRoot: string): string {
  return join(projectRoot, 'chart-templates');
}
