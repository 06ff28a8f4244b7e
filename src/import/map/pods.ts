import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { type TargetFacts } from '../target-facts.js';
import { OFFICIAL_DEFAULTS, officialFullname } from '../official-chart.js';
import { backendComponents, type Obj, arr, copyKnown, deepEqual, int, kubectl, mergeMaps, str, truthy } from './helpers.js';

export function mapPodOptions(ctx: ImportContext, target: TargetFacts) {
  const nodeSelector = ctx.read('nodeSelector');
  if (isObject(nodeSelector)) ctx.set('podDefaults.nodeSelector', Object.fromEntries(Object.entries(nodeSelector).map(([k, v]) => [k, String(v)])), 'nodeSelector');
  const tolerations = ctx.read('tolerations');
  if (Array.isArray(tolerations) && tolerations.length) ctx.set('podDefaults.tolerations', tolerations, 'tolerations');
  mergeMaps(ctx, 'podDefaults.podAnnotations', ['podAnnotations']);
  mergeMaps(ctx, 'podDefaults.podLabels', ['podLabels']);
  const priority = str(ctx.read('priorityClassName'));
  if (priority) ctx.set('podDefaults.priorityClassName', priority, 'priorityClassName');
  const affinity = ctx.read('affinity');
  if (isObject(affinity) && Object.keys(affinity).length) {
    // The official default spreads Retool pods over nodes; this chart spreads replicated components by default.
    if (!deepEqual(affinity, OFFICIAL_DEFAULTS.affinity)) {
      // The official code executor ignores the top-level affinity: only the backend-image components get it.
      for (const c of backendComponents(ctx, target)) ctx.set(`components.${c}.affinity`, affinity, 'affinity');
    }
  }
}

export function mapVolumes(ctx: ImportContext, target: TargetFacts) {
  const volumes: unknown[] = [];
  const mounts: unknown[] = [];
  const from: string[] = [];
  const extraVolumes = ctx.read('extraVolumes');
  if (Array.isArray(extraVolumes) && extraVolumes.length) {
    volumes.push(...extraVolumes);
    from.push('extraVolumes');
  }
  const extraMounts = ctx.read('extraVolumeMounts');
  if (Array.isArray(extraMounts) && extraMounts.length) {
    mounts.push(...extraMounts);
    from.push('extraVolumeMounts');
  }
  arr(ctx.read('extraConfigMapMounts')).forEach((m, i) => {
    if (!isObject(m)) return;
    volumes.push({ name: m.name, configMap: { name: m.configMap } });
    mounts.push({ name: m.name, mountPath: m.mountPath, ...(m.subPath ? { subPath: m.subPath } : {}) });
    from.push(`extraConfigMapMounts[${i}]`);
  });
  if (volumes.length || mounts.length) {
    if (ctx.can('extraVolumes')) {
      if (volumes.length) ctx.set('podDefaults.extraVolumes', volumes, from.filter((f) => !f.startsWith('extraVolumeMounts')).join(', '));
      if (mounts.length) ctx.set('podDefaults.extraVolumeMounts', mounts, from.filter((f) => f !== 'extraVolumes').join(', '));
    } else {
      for (const f of from) ctx.drop(f.replace(/\[\d+\]$/, ''), 'extra volumes need a chart version with podDefaults.extraVolumes');
    }
  }
  const ceVolumes = ctx.read('codeExecutor.volumes');
  const ceMounts = ctx.read('codeExecutor.volumeMounts');
  if ((Array.isArray(ceVolumes) && ceVolumes.length) || (Array.isArray(ceMounts) && ceMounts.length)) {
    if (ctx.can('extraVolumes')) {
      if (Array.isArray(ceVolumes) && ceVolumes.length) ctx.set('components.codeExecutor.extraVolumes', ceVolumes, 'codeExecutor.volumes');
      if (Array.isArray(ceMounts) && ceMounts.length) ctx.set('components.codeExecutor.extraVolumeMounts', ceMounts, 'codeExecutor.volumeMounts');
    } else ctx.drop('codeExecutor.volumes', 'extra volumes need a chart version with extraVolumes');
  }

  if (truthy(ctx.read('persistentVolumeClaim.enabled'))) {
    const existing = str(ctx.read('persistentVolumeClaim.existingClaim'));
    const claim = existing ?? officialFullname(ctx.options.release, ctx.official);
    const mountPath = str(ctx.read('persistentVolumeClaim.mountPath')) ?? '/retool_backend/pv-data';
    for (const key of ['annotations', 'accessModes', 'size', 'storageClass']) ctx.use(`persistentVolumeClaim.${key}`);
    if (!ctx.can('extraVolumes')) {
      ctx.drop('persistentVolumeClaim.enabled', `the volume ${claim} at ${mountPath} needs a chart version with extraVolumes`);
    } else {
      for (const c of backendComponents(ctx, target)) {
        ctx.set(`components.${c}.extraVolumes`, [{ name: 'retool-pv', persistentVolumeClaim: { claimName: claim } }], existing ? 'persistentVolumeClaim.existingClaim' : 'persistentVolumeClaim.enabled (the claim the official chart created)');
        ctx.set(`components.${c}.extraVolumeMounts`, [{ name: 'retool-pv', mountPath }], 'persistentVolumeClaim.mountPath');
      }
      if (!existing) {
        ctx.action({
          title: `Keep the PersistentVolumeClaim ${claim} the official chart created`,
          steps: [`${kubectl(ctx.options)} annotate pvc ${claim} helm.sh/resource-policy=keep   # otherwise helm upgrade deletes it with its data`],
        });
      }
    }
  }

  const init = ctx.read('initContainers');
  if (isObject(init) && Object.keys(init).length) {
    const list = Object.entries(init).map(([name, spec]) => ({ name, ...(isObject(spec) ? spec : {}) }));
    if (ctx.can('initContainers')) ctx.set('podDefaults.initContainers', list, 'initContainers');
    else ctx.drop('initContainers', 'init containers need a chart version with podDefaults.initContainers');
  }
  const sidecars = ctx.read('extraContainers');
  if (truthy(sidecars)) {
    const list = Array.isArray(sidecars) ? sidecars : undefined;
    if (!list) ctx.drop('extraContainers', 'a templated string of containers cannot be carried; give them as a list in podDefaults.extraContainers');
    else if (ctx.can('extraContainers')) ctx.set('podDefaults.extraContainers', list, 'extraContainers');
    else ctx.drop('extraContainers', 'sidecar containers need a chart version with podDefaults.extraContainers');
  }
}

export function mapSecurity(ctx: ImportContext, target: TargetFacts) {
  const enabled = truthy(ctx.read('securityContext.enabled'));
  if (ctx.can('podSecurity')) {
    ctx.set('podSecurity', 'compatible', enabled ? 'securityContext.enabled (runAsUser/fsGroup below)' : 'securityContext.enabled: false — the official chart ran the images as built');
  } else if (!enabled) {
    ctx.note('The official chart ran the images as built (as root); this chart version runs every pod restricted (UID 10001, read-only root filesystem).');
  }
  if (enabled) {
    const pod: Obj = {};
    const runAsUser = int(ctx.read('securityContext.runAsUser'));
    if (runAsUser !== undefined) pod.runAsUser = runAsUser;
    const fsGroup = int(ctx.read('securityContext.fsGroup'));
    if (fsGroup !== undefined) pod.fsGroup = fsGroup;
    const extra = ctx.read('securityContext.extraSecurityContext');
    if (isObject(extra)) copyKnown(ctx, extra, pod, target.podSecurityContextKeys, 'securityContext.extraSecurityContext');
    ctx.set('podDefaults.podSecurityContext', pod, 'securityContext.runAsUser, securityContext.fsGroup, securityContext.extraSecurityContext');
  } else {
    for (const key of ['runAsUser', 'fsGroup', 'extraSecurityContext']) ctx.use(`securityContext.${key}`);
  }
  const container = ctx.read('securityContext.extraContainerSecurityContext');
  if (isObject(container) && Object.keys(container).length) {
    const out: Obj = {};
    copyKnown(ctx, container, out, target.containerSecurityContextKeys, 'securityContext.extraContainerSecurityContext');
    ctx.set('podDefaults.containerSecurityContext', out, 'securityContext.extraContainerSecurityContext');
  }

  // Code executor sandbox: privileged nsjail by default; a pinned securityContext wins; seccomp is the opt-in.
  if (ctx.get('workflows.enabled') !== true) {
    ctx.use('codeExecutor');
    return;
  }
  const pinned = ctx.read('codeExecutor.securityContext');
  const seccomp = truthy(ctx.read('codeExecutor.useSeccompProfile'));
  if (isObject(pinned) && Object.keys(pinned).length) {
    if (pinned.privileged === true) {
      ctx.set('components.codeExecutor.sandbox', 'nsjail', 'codeExecutor.securityContext.privileged');
    } else {
      ctx.set('components.codeExecutor.sandbox', 'none', 'codeExecutor.securityContext without privileged: nsjail cannot sandbox, so user code runs unsandboxed');
      const out: Obj = {};
      const { privileged: _privileged, ...rest } = pinned;
      copyKnown(ctx, rest, out, target.containerSecurityContextKeys, 'codeExecutor.securityContext');
      if (Object.keys(out).length) ctx.set('components.codeExecutor.containerSecurityContext', out, 'codeExecutor.securityContext');
    }
  } else if (seccomp) {
    if (ctx.can('seccompSandbox')) {
      ctx.set('components.codeExecutor.sandbox', 'seccomp', 'codeExecutor.useSeccompProfile');
      const profile = str(ctx.read('codeExecutor.seccompLocalhostProfile'));
      if (profile && profile !== 'profiles/nsjail-seccomp.json') ctx.set('components.codeExecutor.seccompProfile', profile, 'codeExecutor.seccompLocalhostProfile');
      ctx.note('sandbox: seccomp needs the nsjail seccomp profile on every node; the official chart installed it with an init container, this chart expects it installed (components.codeExecutor.seccompProfile).');
    }
    else ctx.drop('codeExecutor.useSeccompProfile', 'the seccomp sandbox needs a chart version with components.codeExecutor.sandbox: seccomp; this one runs nsjail privileged');
  } else if (ctx.get('components.codeExecutor.sandbox') === undefined) {
    ctx.set('components.codeExecutor.sandbox', 'nsjail', 'codeExecutor.securityContext unset: the official chart runs the code executor privileged for nsjail');
  }
  if (truthy(ctx.read('codeExecutor.appArmorProfileInstaller'))) ctx.drop('codeExecutor.appArmorProfileInstaller', 'the AppArmor profile DaemonSet is not part of this chart');
}
