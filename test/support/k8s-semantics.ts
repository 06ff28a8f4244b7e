// What the Kubernetes API server checks beyond an object's structure (kubernetes-models covers types and
// required fields, test/support/k8s-validate.ts): names, labels, cross-references inside a pod, requests within
// limits, NetworkPolicy peers. Written independently of the chart's schema (code, not its patterns) after
// k8s.io/apimachinery pkg/util/validation/validation.go, pkg/api/validation/objectmeta.go and
// k8s.io/kubernetes pkg/apis/core/validation, pkg/apis/apps/validation, pkg/apis/networking/validation.

import { isIP } from 'node:net';

type Obj = Record<string, any>;

const isAlnum = (c: string) => /[A-Za-z0-9]/.test(c);

/** IsDNS1123Label. */
export function isDnsLabel(value: string): boolean {
  if (value.length < 1 || value.length > 63) return false;
  for (const c of value) if (!(c === '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return value[0] !== '-' && value[value.length - 1] !== '-';
}

/** IsDNS1123Subdomain. */
export function isDnsSubdomain(value: string): boolean {
  return value.length >= 1 && value.length <= 253 && value.split('.').every(isDnsLabel);
}

/** IsDNS1035Label (Service names): a DNS label starting with a letter. */
export function isDns1035Label(value: string): boolean {
  return isDnsLabel(value) && value[0] >= 'a' && value[0] <= 'z';
}

function isLabelName(value: string): boolean {
  if (value.length < 1 || value.length > 63) return false;
  if (!isAlnum(value[0]) || !isAlnum(value[value.length - 1])) return false;
  return [...value].every((c) => isAlnum(c) || c === '-' || c === '_' || c === '.');
}

/** IsQualifiedName: [prefix/]name. */
export function isQualifiedName(value: string): boolean {
  const parts = value.split('/');
  if (parts.length === 1) return isLabelName(parts[0]);
  if (parts.length !== 2) return false;
  return isDnsSubdomain(parts[0]) && isLabelName(parts[1]);
}

/** IsValidLabelValue. */
export function isLabelValue(value: string): boolean {
  return value === '' || isLabelName(value);
}

/** IsValidPortName (IANA_SVC_NAME). */
export function isPortName(value: string): boolean {
  if (value.length < 1 || value.length > 15) return false;
  if (!/^[-a-z0-9]+$/.test(value) || !/[a-z]/.test(value) || value.includes('--')) return false;
  return value[0] !== '-' && value[value.length - 1] !== '-';
}

/** Strict CIDR (IsValidCIDRForLegacyField with strict validation, apart from the host-bits rule). */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(prefix)) return false;
  const family = isIP(address);
  if (family === 4) return !address.split('.').some((octet) => octet.length > 1 && octet[0] === '0') && Number(prefix) <= 32;
  if (family === 6) return !/\./.test(address) && !address.includes('%') && Number(prefix) <= 128;
  return false;
}

const SUFFIX: Record<string, number> = { '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** resource.ParseQuantity, as a number (enough to compare requests with limits); undefined when invalid. */
export function quantity(value: unknown): number | undefined {
  const text = String(value);
  const match = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * (match[2] ? 10 ** Number(match[2].slice(1)) : SUFFIX[match[3] ?? '']);
}

function labelProblems(where: string, labels: Obj | undefined): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!isQualifiedName(key)) out.push(`${where}: label key ${JSON.stringify(key)} is not a qualified name`);
    if (typeof value !== 'string' || !isLabelValue(value)) out.push(`${where}: label ${key}=${JSON.stringify(value)} is not a valid label value`);
  }
  return out;
}

function annotationProblems(where: string, annotations: Obj | undefined): string[] {
  return Object.keys(annotations ?? {}).filter((key) => !isQualifiedName(key.toLowerCase())).map((key) => `${where}: annotation key ${JSON.stringify(key)} is not a qualified name`);
}

function selectorProblems(where: string, selector: Obj | undefined): string[] {
  if (!selector) return [];
  const out = labelProblems(`${where}.matchLabels`, selector.matchLabels);
  for (const [i, req] of (selector.matchExpressions ?? []).entries()) {
    const at = `${where}.matchExpressions[${i}]`;
    if (!isQualifiedName(String(req.key))) out.push(`${at}: key ${JSON.stringify(req.key)} is not a qualified name`);
    const values: unknown[] = req.values ?? [];
    if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) out.push(`${at}: ${req.operator} needs values`);
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) out.push(`${at}: ${req.operator} takes no values`);
    for (const v of values) if (typeof v !== 'string' || !isLabelValue(v)) out.push(`${at}: value ${JSON.stringify(v)} is not a label value`);
  }
  return out;
}

/** The fail-open rule: a NetworkPolicy rule with no (or an empty) from/to admits every peer. */
export function failOpenProblems(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const policy of objects.filter((o) => o?.kind === 'NetworkPolicy')) {
    for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
      for (const [i, rule] of (policy.spec?.[direction] ?? []).entries()) {
        if (!Array.isArray(rule?.[peers]) || rule[peers].length === 0) out.push(`NetworkPolicy/${policy.metadata?.name}: ${direction}[${i}] has no ${peers} peers, so it admits every peer`);
      }
    }
  }
  return out;
}

function networkPolicyProblems(policy: Obj): string[] {
  const out: string[] = [];
  const name = `NetworkPolicy/${policy.metadata?.name}`;
  out.push(...selectorProblems(`${name} podSelector`, policy.spec?.podSelector));
  for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    for (const [i, rule] of (policy.spec?.[direction] ?? []).entries()) {
      for (const [j, peer] of (rule?.[peers] ?? []).entries()) {
        const at = `${name}: ${direction}[${i}].${peers}[${j}]`;
        const kinds = ['ipBlock', 'podSelector', 'namespaceSelector'].filter((k) => peer?.[k] !== undefined);
        if (!kinds.length) out.push(`${at}: must specify a peer`);
        if (peer?.ipBlock && kinds.length > 1) out.push(`${at}: ipBlock may not be combined with selectors`);
        if (peer?.ipBlock) {
          if (!isCidr(String(peer.ipBlock.cidr))) out.push(`${at}: ipBlock.cidr ${JSON.stringify(peer.ipBlock.cidr)} is not a valid CIDR`);
          for (const except of peer.ipBlock.except ?? []) if (!isCidr(String(except))) out.push(`${at}: except ${JSON.stringify(except)} is not a valid CIDR`);
        }
        out.push(...selectorProblems(`${at}.podSelector`, peer?.podSelector), ...selectorProblems(`${at}.namespaceSelector`, peer?.namespaceSelector));
      }
      for (const [j, port] of (rule?.ports ?? []).entries()) {
        if (typeof port.port === 'string' && !isPortName(port.port)) out.push(`${name}: ${direction}[${i}].ports[${j}]: ${JSON.stringify(port.port)} is not a port name`);
      }
    }
  }
  return out;
}

function podProblems(owner: string, pod: Obj, podLabels: Obj | undefined, labelsAdded: (key: string) => string | undefined, claims: string[] = []): string[] {
  const out: string[] = [];
  out.push(...labelProblems(`${owner} pod`, podLabels), ...annotationProblems(`${owner} pod`, pod.metadata?.annotations));
  // Labels the controller adds to every pod it creates (StatefulSet pod names, Job names).
  for (const key of ['statefulset.kubernetes.io/pod-name', 'batch.kubernetes.io/job-name', 'controller-revision-hash']) {
    const value = labelsAdded(key);
    if (value !== undefined && !isLabelValue(value)) out.push(`${owner}: the controller's label ${key}=${value} would be longer than 63 characters (the pods can never be created)`);
  }
  const spec = pod.spec ?? {};
  const volumes = new Set<string>(claims);
  for (const volume of spec.volumes ?? []) {
    if (!isDnsLabel(String(volume.name))) out.push(`${owner}: volume name ${JSON.stringify(volume.name)} is not a DNS label`);
    if (volumes.has(volume.name)) out.push(`${owner}: volume ${volume.name} is declared twice`);
    volumes.add(volume.name);
  }
  const names = new Set<string>();
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const at = `${owner}/${container.name}`;
    if (!isDnsLabel(String(container.name))) out.push(`${at}: container name is not a DNS label`);
    if (names.has(container.name)) out.push(`${at}: container name used twice in the pod`);
    names.add(container.name);
    const ports = new Set<string>();
    for (const port of container.ports ?? []) {
      if (port.name === undefined) continue;
      if (!isPortName(String(port.name))) out.push(`${at}: port name ${JSON.stringify(port.name)} is not an IANA service name`);
      if (ports.has(port.name)) out.push(`${at}: port name ${port.name} used twice`);
      ports.add(port.name);
    }
    const paths = new Set<string>();
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name)) out.push(`${at}: volumeMount ${mount.name} names no volume of the pod`);
      if (paths.has(mount.mountPath)) out.push(`${at}: mountPath ${mount.mountPath} used twice`);
      paths.add(mount.mountPath);
    }
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
      if (typeof port === 'string' && ![...(container.ports ?? [])].some((p: Obj) => p.name === port)) out.push(`${at}: ${probe} port ${port} names no port of the container`);
    }
    for (const [resource, limit] of Object.entries(container.resources?.limits ?? {})) {
      const request = container.resources?.requests?.[resource];
      if (quantity(limit) === undefined) out.push(`${at}: limit ${resource}=${String(limit)} is not a quantity`);
      if (request !== undefined && quantity(request) === undefined) out.push(`${at}: request ${resource}=${String(request)} is not a quantity`);
      if (request !== undefined && quantity(request)! > quantity(limit)!) out.push(`${at}: request ${resource}=${String(request)} is above its limit ${String(limit)}`);
    }
    for (const env of container.env ?? []) {
      for (const ref of [env.valueFrom?.secretKeyRef, env.valueFrom?.configMapKeyRef]) {
        if (ref && !/^[-._a-zA-Z0-9]+$/.test(String(ref.key))) out.push(`${at}: env ${env.name} key ${JSON.stringify(ref.key)} is not a Secret/ConfigMap key`);
      }
    }
  }
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (!isQualifiedName(key) || !isLabelValue(String(value))) out.push(`${owner}: nodeSelector ${key}=${String(value)} is not a label`);
  }
  for (const t of spec.tolerations ?? []) {
    if (t.key !== undefined && t.key !== '' && !isQualifiedName(String(t.key))) out.push(`${owner}: toleration key ${JSON.stringify(t.key)} is not a qualified name`);
    if (t.operator === 'Exists' && t.value) out.push(`${owner}: toleration with operator Exists has a value`);
  }
  return out;
}

/** Problems the API server would report for one object (empty when it would admit it). */
export function semanticProblems(obj: Obj): string[] {
  if (!obj || typeof obj !== 'object') return [];
  const kind = String(obj.kind);
  const name = String(obj.metadata?.name ?? '');
  const label = `${kind}/${name}`;
  const out: string[] = [];
  if (kind === 'Service' ? !isDns1035Label(name) : !isDnsSubdomain(name)) out.push(`${label}: name is not a valid ${kind === 'Service' ? 'DNS-1035 label' : 'DNS subdomain'}`);
  out.push(...labelProblems(label, obj.metadata?.labels), ...annotationProblems(label, obj.metadata?.annotations));
  const template = obj.spec?.template;
  if (template) {
    out.push(...selectorProblems(`${label} selector`, obj.spec?.selector));
    const added = (key: string): string | undefined => {
      if (kind === 'StatefulSet' && key === 'statefulset.kubernetes.io/pod-name') return `${name}-${Math.max(0, Number(obj.spec?.replicas ?? 1) - 1)}`;
      if (kind === 'StatefulSet' && key === 'controller-revision-hash') return `${name}-0123456789`; // <name>-<10-character hash>
      if (kind === 'Job' && key === 'batch.kubernetes.io/job-name') return name;
      return undefined;
    };
    const claims = (obj.spec?.volumeClaimTemplates ?? []).map((c: Obj) => String(c.metadata?.name));
    out.push(...podProblems(label, template, template.metadata?.labels, added, claims));
  }
  if (kind === 'Pod') out.push(...podProblems(label, obj, obj.metadata?.labels, () => undefined));
  if (kind === 'Service') {
    out.push(...labelProblems(`${label} selector`, obj.spec?.selector));
    for (const port of obj.spec?.ports ?? []) if (port.name !== undefined && !isDnsLabel(String(port.name))) out.push(`${label}: port name ${JSON.stringify(port.name)} is not a DNS label`);
  }
  if (kind === 'NetworkPolicy') out.push(...networkPolicyProblems(obj));
  if (kind === 'PodDisruptionBudget') out.push(...selectorProblems(`${label} selector`, obj.spec?.selector));
  if (kind === 'Ingress') {
    for (const rule of obj.spec?.rules ?? []) {
      if (rule.host === undefined) continue;
      if (isIP(String(rule.host))) out.push(`${label}: host ${rule.host} must be a DNS name, not an IP address`);
      else if (!isDnsSubdomain(String(rule.host).replace(/^\*\./, ''))) out.push(`${label}: host ${rule.host} is not a DNS subdomain`);
    }
  }
  return out;
}
