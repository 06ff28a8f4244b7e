import yaml from 'js-yaml';
import { jobTemplateJobs } from '../preflight/job-templates.js';

interface Manifest { kind: string; metadata: { name: string }; spec?: any }

/** A few lines saying what a rendered release would deploy: workloads with replicas and images, then counts. */
export function summarizeManifests(text: string): string {
  const objects = yaml.loadAll(text).filter((o): o is Manifest => typeof o === 'object' && o !== null);
  const lines: string[] = [];
  for (const o of objects.filter((x) => x.spec?.template)) {
    const images = (o.spec.template.spec.containers as Array<{ image: string }>).map((c) => c.image).join(', ');
    lines.push(`  ${o.kind.padEnd(11)} ${o.metadata.name.padEnd(36)} replicas ${String(o.spec.replicas ?? 1).padEnd(3)} ${images}`);
  }
  // Pods a controller of the release creates at run time, one Job each, from a job template (the agent sandbox's).
  for (const job of jobTemplateJobs(objects)) {
    const images = (job.spec.template.spec.containers as Array<{ image: string }>).map((c) => c.image).join(', ');
    lines.push(`  ${'Job'.padEnd(11)} ${job.metadata.name.padEnd(36)} ${'by its controller'.padEnd(12)} ${images}`);
  }
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const totals = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${n} ${kind}`).join(', ');
  return `${lines.join('\n')}\n  ${objects.length} objects: ${totals}\n`;
}
