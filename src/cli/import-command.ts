import { resolve } from 'node:path';
import { formatIssue } from '../issue.js';
import { importOfficial } from '../import/import-official.js';
import { writeOutputs } from '../io/write-outputs.js';
import { projectModel } from '../project-model.js';
import { parseCommand } from './specs.js';

import { UsageError } from './args.js';
import { EXIT } from './specs.js';

/**
 * `retool-chart import -f official.yaml [-f more.yaml] [--set k=v] [-o our.values.yaml] [--release NAME]
 * [--namespace NS] [--allow-dropped]`: values written for Retool's official chart -> an equivalent values file for this chart.
 */
export async function importCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'import');
  if (!args.lists.values.length && !args.lists.set.length && !args.lists['set-string'].length) {
    throw new UsageError('give the official values with -f FILE (and/or --set)');
  }
  const outcome = importOfficial({
    files: args.lists.values,
    sets: args.lists.set,
    setStrings: args.lists['set-string'],
    release: args.strings.release,
    namespace: args.strings.namespace,
  }, projectModel());
  const report: string[] = [];
  for (const action of outcome.actions) report.push(`action: ${action.title}`, ...action.steps.map((s) => `  ${s}`));
  for (const d of outcome.dropped) report.push(`${d.changesBehaviour ? 'dropped' : 'ignored'}: ${d.path}: ${d.reason}`);
  for (const note of outcome.notes) report.push(`note: ${note}`);
  if (outcome.issues.length) {
    process.stderr.write(`${[...report, ...outcome.issues.map(formatIssue)].join('\n')}\n${outcome.issues.length} error(s); nothing written\n`);
    return 1;
  }

  const blocking = outcome.dropped.filter((d) => d.changesBehaviour);
  if (blocking.length && !args.booleans['allow-dropped']) {
    report.push(`${blocking.length} setting(s) that change behaviour cannot be carried; nothing written (--allow-dropped writes the values anyway)`);
    process.stderr.write(`${report.join('\n')}\n`);
    return EXIT.importDropped;
  }
  if (report.length) process.stderr.write(`${report.join('\n')}\n`);

  const output = args.strings.output;
  if (!output || output === '-') {
    process.stdout.write(outcome.text);
  } else {
    // An existing regular file is replaced (as before); a link or a device never is.
    writeOutputs([{ file: resolve(output), content: outcome.text }], { overwrite: true });
    process.stderr.write(`wrote ${output}\n`);
  }
  return 0;
}
