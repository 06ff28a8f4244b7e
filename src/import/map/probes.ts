import { type ImportContext } from '../import-context.js';
import type { TargetFacts } from '../target-facts.js';
import { componentOn } from '../../model/topology.js';
import { OFFICIAL_DEFAULTS } from '../official-chart.js';
import { int, str } from './helpers.js';

type Level = NonNullable<TargetFacts['components'][number]['officialProbes']>;
type OfficialProbe = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/** Our probe each official block tunes. */
const OURS: Record<OfficialProbe, 'liveness' | 'readiness' | 'startup'> = { livenessProbe: 'liveness', readinessProbe: 'readiness', startupProbe: 'startup' };

/**
 * The timing fields each official template reads from the top-level blocks (tryretool/retool-helm 6.11.21):
 * deployment_backend.yaml reads all of them; _workers.tpl and the workflows, code-executor and dbconnector
 * Deployments leave the liveness period to Kubernetes; the jobs, multiplayer and MCP templates fix their own.
 */
const TIMINGS: Record<Level, Partial<Record<OfficialProbe, readonly string[]>>> = {
  backend: {
    livenessProbe: ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'failureThreshold'],
    readinessProbe: ['initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'periodSeconds'],
    startupProbe: ['initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'periodSeconds'],
  },
  timings: {
    livenessProbe: ['initialDelaySeconds', 'timeoutSeconds', 'failureThreshold'],
    readinessProbe: ['initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'periodSeconds'],
  },
  scheme: {},
};

/**
 * Carries the official top-level probe settings a user changed onto components.<key>.probes of every running
 * component whose official Deployment reads them. Only changed fields move: the official defaults were tuned
 * for pods without a startup probe, and this chart starts every container behind one.
 */
export function mapProbes(ctx: ImportContext, target: Pick<TargetFacts, 'components'>) {
  const running = target.components.filter((c) => c.officialProbes && componentOn(c, (path) => ctx.get(path)));
  for (const block of Object.keys(OURS) as OfficialProbe[]) {
    const defaults = OFFICIAL_DEFAULTS[block] as Record<string, unknown>;
    const enabled = ctx.read(`${block}.enabled`);
    // The official startup probe is off by default, and then its timings are inert.
    if (block === 'startupProbe' && enabled !== true) {
      ctx.use(block);
      continue;
    }
    if (enabled === false) {
      ctx.drop(`${block}.enabled`, `this chart always runs the ${OURS[block]} probe (components.<name>.probes tunes it; a probe cannot be turned off)`, true);
    }
    const path = str(ctx.read(`${block}.path`));
    if (path !== undefined && path !== defaults.path) {
      ctx.drop(`${block}.path`, 'each component is probed on its own health endpoint (README "Runtime"); the path is not an option', false);
    }
    if (ctx.read(`${block}.host`) !== undefined) {
      ctx.drop(`${block}.host`, 'probe hosts are refused: Pod Security baseline and restricted refuse them (Kubernetes 1.34+), and the host is dialled from the node, so 127.0.0.1 probes the node; make Retool listen on the pod IP', true);
    }
    let scheme = str(ctx.read(`${block}.scheme`));
    if (scheme !== undefined && scheme !== 'HTTP' && scheme !== 'HTTPS') {
      ctx.drop(`${block}.scheme`, `Kubernetes accepts only HTTP or HTTPS, not ${JSON.stringify(scheme)}`, true);
      scheme = undefined;
    }
    const changed = new Map<string, number>();
    for (const field of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'failureThreshold', 'successThreshold']) {
      const value = int(ctx.read(`${block}.${field}`));
      if (value === undefined || value === defaults[field]) continue;
      // Kubernetes refuses any other success threshold on a startup probe, so the official chart could not run it.
      if (block === 'startupProbe' && field === 'successThreshold') ctx.drop(`${block}.${field}`, 'Kubernetes requires 1 for a startup probe', false);
      else changed.set(field, value);
    }
    for (const component of running) {
      const level = component.officialProbes!;
      const fields = TIMINGS[level][block];
      if (!fields && level !== 'scheme') continue;
      const at = `components.${component.key}.probes.${OURS[block]}`;
      for (const field of fields ?? []) {
        const value = changed.get(field);
        if (value !== undefined) ctx.set(`${at}.${field}`, value, `${block}.${field}`);
      }
      if (scheme && (block !== 'startupProbe' || level === 'backend')) ctx.set(`${at}.scheme`, scheme, `${block}.scheme`);
    }
  }
}
