import { ImportContext, type ImportOptions } from './import-context.js';
import type { TargetFacts } from './target-facts.js';
import { mapComponents } from './map/components.js';
import { mapAnnotatedComponents } from './map/services.js';
import { mapBlobStorage } from './map/blob-storage.js';
import { mapDatabase } from './map/databases.js';
import { mapEnv, mapEnvFrom, mapTuningEnv } from './map/env.js';
import { kubectl, type Obj } from './map/helpers.js';
import { mapImages } from './map/images.js';
import { mapMcp } from './map/mcp.js';
import { mapAgentSandbox, mapGitServerSwitch, mapNodeSetup, mapSandboxEnv } from './map/app-builder.js';
import { mapIngress, mapServiceAndAccount } from './map/network.js';
import { mapPodOptions, mapSecurity, mapVolumes } from './map/pods.js';
import { mapProbes } from './map/probes.js';
import { CarriedSecrets, mapSecrets } from './map/secrets.js';
import { mapTemporal, mapWorkflows } from './map/temporal.js';
import { officialFullname } from './official-chart.js';

// The mapping, one module per area under map/: images, secrets, databases, workflows and Temporal,
// components, env, pods (scheduling, volumes, security), network (ingress, Service, ServiceAccount).

export { deepEqual, truthy } from './map/helpers.js';

export type { TargetFacts } from './target-facts.js';

/**
 * Maps official-chart values (already merged over OFFICIAL_DEFAULTS, like Helm does) onto this chart's values.
 * Pure: everything it learns goes into the returned context (values, origins, dropped keys, actions).
 */
export function mapOfficialValues(official: Obj, options: ImportOptions, target: TargetFacts): ImportContext {
  const ctx = new ImportContext(official, options);
  const carried = new CarriedSecrets(officialFullname(options.release, official), kubectl(options));
  const version = mapImages(ctx, target);
  mapSecrets(ctx, carried);
  mapDatabase(ctx, carried);
  mapBlobStorage(ctx);
  mapMcp(ctx, carried);
  mapAgentSandbox(ctx);
  mapNodeSetup(ctx);
  mapSandboxEnv(ctx);
  mapGitServerSwitch(ctx);
  const workflows = mapWorkflows(ctx, version);
  mapTemporal(ctx, workflows);
  mapComponents(ctx, workflows);
  mapAnnotatedComponents(ctx, target);
  mapProbes(ctx, target);
  mapTuningEnv(ctx, workflows, target);
  mapEnv(ctx);
  mapEnvFrom(ctx, target);
  mapPodOptions(ctx, target);
  mapVolumes(ctx, target);
  mapSecurity(ctx, target);
  mapIngress(ctx);
  mapServiceAndAccount(ctx);
  carried.finish(ctx);
  return ctx;
}

// ---------------------------------------------------------------------------------------------------------
