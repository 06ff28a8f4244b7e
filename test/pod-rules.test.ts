// The pod rules of src/validate/pod-rules.ts: their quantity arithmetic against the chart's retool.quantity
// (run by Helm 3 and Helm 4 in a probe chart holding the generated _checks.tpl), and how they read merged values.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeValues } from '../src/model/defaults.js';
import { podCheckSites } from '../src/model/pod-checks.js';
import { projectModel } from '../src/project-model.js';
import { POD_RULES, podRuleIssues, quantityValue } from '../src/validate/pod-rules.js';
import { helmAsync } from './support/helm-cache.js';
import { CHART } from './support/paths.js';
import { MAJORS } from './support/render.js';

const model = projectModel();
const sites = podCheckSites(model.schema);

/** Spellings the Quantity definition allows, strings and numbers (YAML numbers reach Helm as float64). */
const QUANTITIES: unknown[] = ['500m', '0.5', '.5', '+1', '1.', '2', '4Gi', '1.5Gi', '.5Ki', '1024Mi', '1G', '1k', '1M', '3T', '2P', '1E', '7Ei', '1e3',
  '1E+2', '1e-3', '1.5e-7', '100n', '3u', '0.1', '300m', '0.3', '123456789012345678901234567890', '1e999', '9999999999999999999999Ei', 4, 0.5, 1e21, 1e-7, 0];

test('quantities: validate computes exactly the float64 the chart compares, with Helm 3 and Helm 4', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'retool-quantity-'));
  try {
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: quantity-probe\nversion: 0.1.0\n');
    copyFileSync(join(CHART, 'templates', '_checks.tpl'), join(dir, 'templates', '_checks.tpl'));
    writeFileSync(join(dir, 'templates', 'out.yaml'), 'values: [{{ range $i, $q := .Values.q }}{{ if $i }}, {{ end }}{{ include "retool.quantity" $q | quote }}{{ end }}]\n');
    writeFileSync(join(dir, 'values.yaml'), `q: ${JSON.stringify(QUANTITIES)}\n`);
    const results = await Promise.all(MAJORS.map((major) => helmAsync(['template', 'x', dir], major)));
    for (const [index, result] of results.entries()) {
      assert.is(result.status, 0, result.stderr);
      const printed = JSON.parse(/values: (\[.*\])/.exec(result.stdout)![1]) as string[];
      assert.is(printed.length, QUANTITIES.length);
      printed.forEach((text, i) => assert.is(quantityValue(QUANTITIES[i]), Number(text.replace('+Inf', 'Infinity')), `helm ${MAJORS[index]}: ${JSON.stringify(QUANTITIES[i])} is ${text}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quantities compare as Kubernetes does for the usual spellings', () => {
  const le = (a: string, b: string) => quantityValue(a)! <= quantityValue(b)!;
  assert.ok(le('1Gi', '1024Mi') && le('1024Mi', '1Gi'));
  assert.ok(le('500m', '0.5') && le('0.5', '500m'));
  assert.ok(le('1G', '1Gi') && !le('1Gi', '1G'));
  assert.ok(!le('2', '1999m'));
  assert.ok(le('1e3', '1k') && le('1k', '1e3'));
});

const issuesOf = (values: Record<string, unknown>) => podRuleIssues(sites, mergeValues(model.defaults, values) as Record<string, unknown>);

test('requests and limits: the maps merge over the component defaults and podDefaults, as retool.pod.options merges them', () => {
  // jobsRunner's default limit is 4Gi: a request of 5Gi alone breaks it.
  assert.equal(issuesOf({ components: { jobsRunner: { resources: { requests: { memory: '5Gi' } } } } }).map((i) => i.path), ['components.jobsRunner.resources.requests.memory']);
  // Equal is fine, in any spelling.
  assert.equal(issuesOf({ components: { jobsRunner: { resources: { requests: { memory: '4096Mi' } } } } }), []);
  // A podDefaults limit shows through where the component deletes its own (null) and keeps its request.
  const viaDefaults = issuesOf({ podDefaults: { resources: { limits: { cpu: '500m' } } }, components: { api: { resources: { limits: { cpu: null } } } } });
  assert.ok(viaDefaults.some((i) => i.path === 'components.api.resources.requests.cpu' && i.message.endsWith(POD_RULES.requestsLimits)), JSON.stringify(viaDefaults));
});

test('volumes: a podDefaults list is one issue however many components use it; a component list replaces it', () => {
  const shared = issuesOf({ podDefaults: { extraVolumeMounts: [{ name: 'nothing', mountPath: '/x' }] } });
  assert.equal(shared.map((i) => i.path), ['podDefaults.extraVolumeMounts[0].name']);
  assert.ok(shared[0].message.endsWith(POD_RULES.mountVolumes));
  // The component's own non-empty list wins: its mount names its own volume.
  assert.equal(issuesOf({
    podDefaults: { extraVolumeMounts: [{ name: 'nothing', mountPath: '/x' }] },
    components: Object.fromEntries(sites.pods.map((p) => [p.path[1], { extraVolumes: [{ name: 'v', emptyDir: {} }], extraVolumeMounts: [{ name: 'v', mountPath: '/v' }] }])),
  }), []);
  // A sidecar mounts extraVolumes, never the chart's own tmp.
  assert.equal(issuesOf({ components: { api: { extraContainers: [{ name: 's', image: 'x:1', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }] } } }).map((i) => i.path),
    ['components.api.extraContainers[0].volumeMounts[0].name']);
});

test("the writable emptyDirs are the chart's own only under podSecurity: restricted (Retool's persistent pv-data stays possible)", () => {
  const pvData = { components: { api: {
    extraVolumes: [{ name: 'retool-backend-pv-data', persistentVolumeClaim: { claimName: 'retool-data' } }],
    extraVolumeMounts: [{ name: 'retool-backend-pv-data', mountPath: '/retool_backend/pv-data' }],
  } } };
  assert.equal(issuesOf(pvData), []);
  assert.equal(issuesOf({ ...pvData, podSecurity: 'restricted' }).map((i) => i.path), ['components.api.extraVolumes[0].name', 'components.api.extraVolumeMounts[0].mountPath']);
  // The Temporal CA's volume is reserved in every mode.
  assert.equal(issuesOf({ components: { api: { extraVolumes: [{ name: 'temporal-ca', emptyDir: {} }] } } }).map((i) => i.path), ['components.api.extraVolumes[0].name']);
});

test.run();
