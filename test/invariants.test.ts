import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectModel } from '../src/project-model.js';
import { join } from 'node:path';
import { helmCached } from './support/helm-cache.js';
import { CHART, FIXTURES, fixtureNames } from './support/paths.js';
import { failOpenProblems, semanticProblems } from './support/k8s-semantics.js';
import { byKind, containers, envOf, parseManifests, renderFixture, renderFixtures, type K8sObject } from './support/render.js';

/** Objects named for a component that reads the Kubernetes API: its own ServiceAccount mounts a token on purpose. */
const API_READERS = projectModel().components.filter((c) => c.kubernetesApi).map((c) => `-${c.name}`);
const readsApi = (name: string): boolean => API_READERS.some((suffix) => name.endsWith(suffix));

/**
 * The security and availability baseline as executable rules over rendered objects. Each rule runs on every
 * fixture (no violations allowed) and on a deliberately broken copy of a real render (a violation required),
 * so a rule that cannot fail is caught.
 */
const { components, blobStore, nodeDaemonSets } = projectModel();
const COMPONENT = 'app.kubernetes.io/component';
const SECRET_ENV = /(PASSWORD|LICENSE_KEY|ENCRYPTION_KEY|JWT_SECRET|TLS_CRT|TLS_KEY)$/;
const workloads = (objects: K8sObject[]) => objects.filter((o) => o.spec?.template);
const componentOf = (o: K8sObject) => o.spec?.template?.metadata?.labels?.[COMPONENT] ?? o.metadata.labels?.[COMPONENT];
/** The sandboxed components' containers (x-retool-component sandboxed: nsjail privileged, or under a Localhost seccomp profile), from the model. */
const SANDBOXED = new Set(components.filter((c) => c.sandboxed).map((c) => c.name));
const isSandbox = (c: any) => SANDBOXED.has(c.name) && (c.securityContext?.privileged === true || c.securityContext?.seccompProfile?.type === 'Localhost');
/** Pod Security Standards baseline: the capabilities a container may add. */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/**
 * A node DaemonSet that mounts host paths (x-retool-node-daemonset hostPaths): its pod is privileged-level by its
 * volumes alone, and its containers run as the image's root user, as Retool's manifest runs them, to write there.
 */
const HOST_PATH_DAEMONSETS = new Set(nodeDaemonSets.filter((d) => d.hostPaths.length > 0).map((d) => d.name));
const mountsHostPaths = (owner: K8sObject) => owner.kind === 'DaemonSet' && HOST_PATH_DAEMONSETS.has(componentOf(owner));
/** A Retool component's pod under podSecurity: compatible (the image's own user; no runAsNonRoot). */
const isCompatibleRetool = (owner: K8sObject) =>
  components.some((c) => c.name === componentOf(owner)) && owner.spec.template.spec.securityContext?.runAsNonRoot !== true;

type Rule = (objects: K8sObject[]) => string[];

const RULES: Array<{ name: string; rule: Rule; breakIt: (objects: K8sObject[]) => void; fixture: string }> = [
  {
    name: 'every pod meets its Pod Security level: restricted for the chart\'s own pods and under podSecurity: restricted, baseline for Retool\'s under compatible (a sandboxed component follows its own rule)',
    fixture: 'autoscaling-networkpolicy',
    rule: (objects) => containers(objects).flatMap(({ owner, container }) => {
      if (isSandbox(container)) return [];
      const pod = owner.spec.template.spec.securityContext ?? {};
      const sc = container.securityContext ?? {};
      const where = `${owner.metadata.name}/${container.name}`;
      const problems: string[] = [];
      // Baseline, for every pod.
      if (sc.privileged) problems.push(`${where}: privileged`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation`);
      if ((pod.seccompProfile ?? sc.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${where}: seccomp RuntimeDefault`);
      if (sc.capabilities?.add?.some((cap: string) => !BASELINE_CAPABILITIES.has(cap))) problems.push(`${where}: capabilities beyond baseline`);
      if ((sc.appArmorProfile ?? pod.appArmorProfile)?.type === 'Unconfined') problems.push(`${where}: AppArmor unconfined`);
      if (isCompatibleRetool(owner)) return problems;
      // Restricted.
      if (pod.runAsNonRoot !== true && sc.runAsNonRoot !== true && !mountsHostPaths(owner)) problems.push(`${where}: runAsNonRoot`);
      if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities.drop ALL`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem`);
      return problems;
    }),
    breakIt: (objects) => { workloads(objects)[0].spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true; },
  },
  {
    name: 'under podSecurity: compatible, Retool\'s containers still meet Pod Security "baseline"',
    fixture: 'evaluation',
    rule: (objects) => containers(objects).filter(({ owner }) => isCompatibleRetool(owner)).flatMap(({ owner, container }) => {
      if (isSandbox(container)) return [];
      const sc = container.securityContext ?? {};
      const where = `${owner.metadata.name}/${container.name}`;
      return [
        ...(sc.allowPrivilegeEscalation !== false ? [`${where}: allowPrivilegeEscalation`] : []),
        ...(sc.capabilities?.add?.some((cap: string) => !BASELINE_CAPABILITIES.has(cap)) ? [`${where}: capabilities beyond baseline`] : []),
        ...(owner.spec.template.spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault' ? [`${where}: seccomp`] : []),
      ];
    }),
    breakIt: (objects) => {
      const api = workloads(objects).find((w) => componentOf(w) === 'api')!;
      api.spec.template.spec.containers[0].securityContext.capabilities = { add: ['SYS_ADMIN'] };
    },
  },
  {
    name: 'only a code-executor with the nsjail sandbox is privileged',
    fixture: 'code-executor-unsandboxed',
    rule: (objects) => containers(objects)
      .filter(({ container }) => container.securityContext?.privileged)
      .filter(({ container }) => container.name !== 'code-executor' || envOf(container).get('CONTAINER_UNPRIVILEGED_MODE')?.value === 'true')
      .map(({ owner }) => `${owner.metadata.name} is privileged`),
    breakIt: (objects) => { containers(objects).find(({ container }) => container.name === 'code-executor')!.container.securityContext.privileged = true; },
  },
  {
    name: 'no pod mounts a ServiceAccount token, but a component that reads the Kubernetes API (x-retool-component kubernetesApi)',
    fixture: 'evaluation',
    rule: (objects) => [
      ...byKind(objects, 'ServiceAccount').filter((sa) => sa.automountServiceAccountToken !== false && !readsApi(sa.metadata.name)).map((sa) => `ServiceAccount ${sa.metadata.name}`),
      ...workloads(objects).filter((w) => w.spec.template.spec.automountServiceAccountToken !== false && !readsApi(w.metadata.name)).map((w) => w.metadata.name),
    ],
    breakIt: (objects) => { delete workloads(objects)[1].spec.template.spec.automountServiceAccountToken; },
  },
  {
    name: 'secrets never appear as literal env, in ConfigMaps or in annotations',
    fixture: 'secret-forms',
    rule: (objects) => {
      const inline = byKind(objects, 'Secret').flatMap((s) => Object.values(s.data ?? {}).map((v) => Buffer.from(String(v), 'base64').toString()));
      const literalEnv = containers(objects).flatMap(({ container }) => [...envOf(container)]
        .filter(([name, e]) => SECRET_ENV.test(name) && e.value !== undefined).map(([name]) => `${container.name} ${name} literal`));
      const leaked = objects.filter((o) => o.kind !== 'Secret').flatMap((o) => {
        const text = JSON.stringify(o);
        return inline.filter((secret) => secret.length >= 8 && text.includes(secret)).map(() => `${o.kind}/${o.metadata.name} contains a secret`);
      });
      return [...literalEnv, ...leaked];
    },
    breakIt: (objects) => {
      const secret = byKind(objects, 'Secret')[0];
      const value = Buffer.from(secret.data['license-key'], 'base64').toString();
      workloads(objects)[0].spec.template.metadata.annotations['debug/license'] = value;
    },
  },
  {
    name: 'a PodDisruptionBudget exists exactly for components that keep more than one pod, and allows one down',
    fixture: 'autoscaling-networkpolicy',
    rule: (objects) => {
      const problems: string[] = [];
      const pdbs = byKind(objects, 'PodDisruptionBudget');
      for (const w of byKind(objects, 'Deployment')) {
        const hpa = byKind(objects, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === w.metadata.name);
        const minPods = hpa ? hpa.spec.minReplicas : w.spec.replicas;
        const pdb = pdbs.find((p) => p.spec.selector.matchLabels[COMPONENT] === componentOf(w));
        if (minPods > 1 && !pdb) problems.push(`${w.metadata.name}: ${minPods} pods without a PodDisruptionBudget`);
        if (minPods <= 1 && pdb) problems.push(`${w.metadata.name}: a PodDisruptionBudget on one pod blocks drains`);
        if (pdb && !(pdb.spec.maxUnavailable >= 1)) problems.push(`${pdb.metadata.name}: maxUnavailable must be >= 1`);
      }
      return problems;
    },
    breakIt: (objects) => { byKind(objects, 'PodDisruptionBudget')[0].spec = { minAvailable: 1, selector: byKind(objects, 'PodDisruptionBudget')[0].spec.selector }; },
  },
  {
    name: 'an autoscaled Deployment has no fixed replica count, and jobs-runner never scales',
    fixture: 'autoscaling-networkpolicy',
    rule: (objects) => byKind(objects, 'HorizontalPodAutoscaler').flatMap((h) => {
      const target = byKind(objects, 'Deployment').find((d) => d.metadata.name === h.spec.scaleTargetRef.name);
      if (!target) return [`${h.metadata.name}: no target`];
      const problems = target.spec.replicas !== undefined ? [`${target.metadata.name}: replicas fixed under an HPA`] : [];
      const component = components.find((c) => c.name === componentOf(target));
      return component?.replicable ? problems : [...problems, `${target.metadata.name} is not replicable`];
    }),
    breakIt: (objects) => { byKind(objects, 'Deployment').find((d) => d.spec.replicas === undefined)!.spec.replicas = 3; },
  },
  {
    name: 'replicated components spread across nodes (topology spread or pod anti-affinity)',
    fixture: 'evaluation',
    rule: (objects) => byKind(objects, 'Deployment')
      .filter((d) => d.spec.replicas === undefined || d.spec.replicas > 1)
      .filter((d) => !d.spec.template.spec.topologySpreadConstraints?.length && !d.spec.template.spec.affinity?.podAntiAffinity)
      .map((d) => `${d.metadata.name} does not spread`),
    breakIt: (objects) => { delete byKind(objects, 'Deployment').find((d) => d.spec.replicas > 1)!.spec.template.spec.topologySpreadConstraints; },
  },
  {
    name: 'api has a startup probe, and readiness and liveness probes differ everywhere',
    fixture: 'evaluation',
    rule: (objects) => containers(objects).flatMap(({ container }) => [
      ...(container.name === 'api' && !container.startupProbe ? ['api has no startupProbe'] : []),
      ...(container.livenessProbe && JSON.stringify(container.readinessProbe) === JSON.stringify(container.livenessProbe) ? [`${container.name}: identical probes`] : []),
    ]),
    breakIt: (objects) => { delete containers(objects).find(({ container }) => container.name === 'api')!.container.startupProbe; },
  },
  {
    name: 'NetworkPolicies select every workload, deny by default and allow only topology edges',
    fixture: 'autoscaling-networkpolicy',
    rule: (objects) => {
      const policies = byKind(objects, 'NetworkPolicy');
      if (policies.length === 0) return [];
      const problems: string[] = [];
      // Every pod the release runs, the helm test Pod included (it reaches the databases and Temporal too).
      for (const w of [...workloads(objects), ...byKind(objects, 'Pod')]) {
        const mine = policies.filter((p) => p.spec.podSelector.matchLabels?.[COMPONENT] === componentOf(w));
        if (mine.length !== 1) problems.push(`${w.metadata.name}: ${mine.length} policies`);
        else if (JSON.stringify(mine[0].spec.policyTypes) !== '["Ingress","Egress"]') problems.push(`${w.metadata.name}: not default-deny both ways`);
      }
      for (const policy of policies) {
        const self = components.find((c) => c.name === policy.spec.podSelector.matchLabels[COMPONENT]);
        if (!self) continue;
        const allowedOut = new Set([
          ...self.calls.map((c) => c.name),
          ...self.databases.map((db) => db.name),
          ...(self.talksTo.temporal ? ['temporal-frontend'] : []),
          ...(self.talksTo.blobStorage ? [blobStore.name] : []),
        ]);
        const allowedIn = new Set(self.calledBy.map((c) => c.name));
        for (const rule of policy.spec.egress ?? []) {
          for (const peer of rule.to ?? []) {
            const target = peer.podSelector?.matchLabels?.[COMPONENT];
            if (target && !allowedOut.has(target)) problems.push(`${policy.metadata.name}: egress to ${target} is not an edge`);
          }
        }
        for (const rule of policy.spec.ingress ?? []) {
          for (const peer of rule.from ?? []) {
            const source = peer.podSelector?.matchLabels?.[COMPONENT];
            if (source && !allowedIn.has(source)) problems.push(`${policy.metadata.name}: ingress from ${source} is not an edge`);
          }
        }
      }
      return problems;
    },
    breakIt: (objects) => {
      const jobs = byKind(objects, 'NetworkPolicy').find((p) => p.metadata.name.endsWith('-jobs-runner'))!;
      jobs.spec.egress.push({ to: [{ podSelector: { matchLabels: { [COMPONENT]: 'code-executor' } } }] });
    },
  },
  {
    name: 'no NetworkPolicy rule admits every peer (an empty or missing from/to); allow-all is only ever an explicit peer such as ipBlock 0.0.0.0/0',
    fixture: 'autoscaling-networkpolicy',
    rule: failOpenProblems,
    breakIt: (objects) => { byKind(objects, 'NetworkPolicy').find((p) => p.spec.ingress?.length)!.spec.ingress[0].from = []; },
  },
  {
    name: 'every object passes the API server\'s own checks beyond structure (names, labels, controller labels within 63, pod references, requests within limits, CIDRs)',
    fixture: 'pod-options',
    rule: (objects) => objects.flatMap((o) => semanticProblems(o)),
    breakIt: (objects) => { const c = workloads(objects)[0].spec.template.spec.containers[0]; c.volumeMounts = [...(c.volumeMounts ?? []), { name: 'no-such-volume', mountPath: '/nowhere' }]; },
  },
  {
    name: 'every container has CPU and memory requests and a memory limit',
    fixture: 'evaluation',
    rule: (objects) => containers(objects)
      .filter(({ container }) => !(container.resources?.requests?.cpu && container.resources?.requests?.memory && container.resources?.limits?.memory))
      .map(({ container }) => `${container.name} lacks resources`),
    breakIt: (objects) => { delete workloads(objects)[0].spec.template.spec.containers[0].resources.limits; },
  },
  {
    name: 'no image is :latest or untagged',
    fixture: 'production-external',
    rule: (objects) => containers(objects)
      .filter(({ container }) => !container.image.includes('@sha256:') && !/:[^/:]+$/.test(container.image) || /:latest$/.test(container.image))
      .map(({ container }) => `${container.name}: ${container.image}`),
    breakIt: (objects) => { workloads(objects)[0].spec.template.spec.containers[0].image = 'tryretool/backend:latest'; },
  },
  {
    // Found on a real API server (test/cluster-install.test.ts): a 63-character StatefulSet name renders and
    // installs, but its controller never creates a pod (kubernetes/kubernetes#64023).
    name: 'every name fits what the API server derives from it: StatefulSets 52 characters (their pods carry controller-revision-hash: <name>-<10-character hash>), every other object 63',
    fixture: 'pod-options',
    rule: (objects) => objects.flatMap((o) => {
      const max = o.kind === 'StatefulSet' ? 52 : 63;
      return o.metadata.name.length > max ? [`${o.kind}/${o.metadata.name}: ${o.metadata.name.length} characters, more than ${max}`] : [];
    }),
    breakIt: (objects) => { byKind(objects, 'StatefulSet')[0].metadata.name = 'a'.repeat(53); },
  },
];

const fixtures = fixtureNames(FIXTURES);

// The renders this file reads, side by side up front (once per run: support/helm-cache.ts).
test.before(() => renderFixtures(fixtures, [4]));

for (const { name, rule, breakIt, fixture } of RULES) {
  test(`${name}: holds on every fixture`, () => {
    for (const f of fixtures) assert.equal(rule(parseManifests(renderFixture(f, 4))), [], f);
  });
  test(`${name}: fails on a broken ${fixture} render`, () => {
    const objects = parseManifests(renderFixture(fixture, 4));
    assert.equal(rule(objects), [], 'the unbroken render passes');
    breakIt(objects);
    assert.ok(rule(objects).length > 0, 'the rule did not notice');
  });
}

test('NetworkPolicies are on by default under profile: production only', () => {
  assert.ok(byKind(parseManifests(renderFixture('production-external', 4)), 'NetworkPolicy').length > 0);
  assert.is(byKind(parseManifests(renderFixture('evaluation', 4)), 'NetworkPolicy').length, 0);
});

test('security contexts merge structurally: overrides add keys, baseline keys stay, nothing repeats', () => {
  const objects = parseManifests(renderFixture('autoscaling-networkpolicy', 4));
  const backend = byKind(objects, 'Deployment').find((d) => d.metadata.name.endsWith('-workflows-backend'))!;
  assert.equal(backend.spec.template.spec.containers[0].securityContext.capabilities, { add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
  assert.is(backend.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem, true);
  assert.is(backend.spec.template.spec.securityContext.fsGroupChangePolicy, 'OnRootMismatch');
  assert.is(backend.spec.template.spec.securityContext.runAsNonRoot, true);
  // js-yaml refuses duplicate keys, so parsing every render proves no mapping repeats a key.
  for (const f of fixtures) parseManifests(renderFixture(f, 4));
});

test.run();

test('a release name that cannot prefix a Service name (a digit first, a dot) fails the render with the reason, in both majors', () => {
  for (const release of ['1retool', 'my.retool']) {
    for (const major of [3, 4] as const) {
      const result = helmCached(['template', release, CHART, '-f', join(FIXTURES, 'evaluation.values.yaml')], major);
      assert.is.not(result.status, 0, `helm ${major} rendered release ${release}`);
      assert.match(result.stderr, /not a DNS-1035 label/, result.stderr);
    }
  }
  const ok = helmCached(['template', 'retool1', CHART, '-f', join(FIXTURES, 'evaluation.values.yaml')], 4);
  assert.is(ok.status, 0, ok.stderr);
});
