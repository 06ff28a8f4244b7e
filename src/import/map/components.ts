import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { int, mergeMaps, setResources, truthy } from './helpers.js';

export function mapComponents(ctx: ImportContext, workflows: boolean) {
  const replicaCount = int(ctx.read('replicaCount'));
  if (replicaCount !== undefined && replicaCount >= 1) ctx.set('components.api.replicas', replicaCount, 'replicaCount');
  else ctx.drop('replicaCount', `${String(ctx.peek('replicaCount'))} api pods is not supported (at least 1)`);
  const jobRunner = truthy(ctx.read('jobRunner.enabled'));
  if ((replicaCount ?? 2) <= 1 && !jobRunner) {
    ctx.note('replicaCount 1 without jobRunner.enabled: the official chart ran jobs inside the single api pod; this chart always runs them in one separate jobs-runner pod.');
  }
  const resources = ctx.read('resources');
  setResources(ctx, 'components.api.resources', resources, 'resources');
  const jobResources = ctx.read('jobRunner.resources');
  if (isObject(jobResources) && Object.keys(jobResources).length) setResources(ctx, 'components.jobsRunner.resources', jobResources, 'jobRunner.resources');
  else setResources(ctx, 'components.jobsRunner.resources', resources, 'resources (jobRunner.resources unset)');

  const apiGrace = int(ctx.read('backend.terminationGracePeriodSeconds')) ?? 391;
  ctx.set('components.api.terminationGracePeriodSeconds', apiGrace, 'backend.terminationGracePeriodSeconds');

  mergeMaps(ctx, 'components.api.podAnnotations', ['backend.annotations', 'ui.annotations']);
  mergeMaps(ctx, 'components.api.podLabels', ['backend.labels', 'ui.labels']);
  mergeMaps(ctx, 'components.jobsRunner.podAnnotations', ['jobRunner.annotations']);
  mergeMaps(ctx, 'components.jobsRunner.podLabels', ['jobRunner.labels']);

  if (workflows) {
    const backendReplicas = int(ctx.read('workflows.backend.replicaCount')) ?? 1;
    ctx.set('components.workflowsBackend.replicas', Math.max(1, backendReplicas), 'workflows.backend.replicaCount');
    const workerReplicas = int(ctx.read('workflows.worker.replicaCount')) ?? 1;
    ctx.set('components.workflowsWorker.replicas', Math.max(1, workerReplicas), 'workflows.worker.replicaCount');
    const backendResources = ctx.read('workflows.backend.resources');
    if (truthy(backendResources)) setResources(ctx, 'components.workflowsBackend.resources', backendResources, 'workflows.backend.resources');
    else setResources(ctx, 'components.workflowsBackend.resources', resources, 'resources (workflows.backend.resources unset)');
    const workerOwn = ctx.read('workflows.worker.resources');
    const workflowsResources = ctx.read('workflows.resources');
    if (truthy(workerOwn)) setResources(ctx, 'components.workflowsWorker.resources', workerOwn, 'workflows.worker.resources');
    else if (truthy(workflowsResources)) setResources(ctx, 'components.workflowsWorker.resources', workflowsResources, 'workflows.resources');
    else setResources(ctx, 'components.workflowsWorker.resources', resources, 'resources');
    for (const c of ['workflowsBackend', 'workflowsWorker']) {
      mergeMaps(ctx, `components.${c}.podAnnotations`, ['backend.annotations', 'workflows.annotations']);
      mergeMaps(ctx, `components.${c}.podLabels`, ['workflows.labels']);
    }
    const ceReplicas = int(ctx.read('codeExecutor.replicaCount')) ?? 1;
    ctx.set('components.codeExecutor.replicas', Math.max(1, ceReplicas), 'codeExecutor.replicaCount');
    setResources(ctx, 'components.codeExecutor.resources', ctx.read('codeExecutor.resources'), 'codeExecutor.resources');
    const ceGrace = int(ctx.read('codeExecutor.terminationGracePeriodSeconds')) ?? 391;
    ctx.set('components.codeExecutor.terminationGracePeriodSeconds', ceGrace, 'codeExecutor.terminationGracePeriodSeconds');
    mergeMaps(ctx, 'components.codeExecutor.podAnnotations', ['codeExecutor.annotations']);
    mergeMaps(ctx, 'components.codeExecutor.podLabels', ['codeExecutor.labels']);
    const ceAffinity = ctx.read('codeExecutor.affinity');
    if (isObject(ceAffinity) && Object.keys(ceAffinity).length) ctx.set('components.codeExecutor.affinity', ceAffinity, 'codeExecutor.affinity');
  } else {
    // Inert in the official chart too while workflows are off.
    for (const key of ['workflows', 'codeExecutor']) ctx.use(key);
  }
}
