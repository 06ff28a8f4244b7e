import type { ChartModel } from '../model/chart-model.js';
import { probeLabel } from '../model/topology.js';

/**
 * The chart README's "Runtime" section: what each container runs, where it listens and is probed, the env the
 * chart gives it, what it writes, and the security presets and sandbox modes with what they cost. All of it
 * comes from the schema's runtime annotations, so the docs cannot drift from the templates.
 */
export function runtimeSection(model: ChartModel): string[] {
  const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;
  const rows = model.components.map((c) => [
    code(c.name),
    code(c.image),
    c.args.length ? code(c.args.join(' ')) : 'image default',
    c.ports.map((p) => `${p.port} (${p.name})`).join(', '),
    probeLabel(c),
    [...c.env.map((e) => code(`${e.name}=${e.value}`)), ...(c.serviceType.length ? [code(`SERVICE_TYPE=${c.serviceType.join(',')}`)] : [])].join(' '),
    c.writable.map((w) => code(w.path)).join(' '),
  ]);
  const sandboxes = model.components.filter((c) => c.sandboxModes).flatMap((c) =>
    Object.entries(c.sandboxModes!).map(([mode, m]) => [
      code(`components.${c.key}.sandbox: ${mode}`),
      [m.container ? code(JSON.stringify(m.container)) : 'preset baseline', m.pod ? code(JSON.stringify(m.pod)) : ''].filter(Boolean).join(' '),
      Object.entries(m.env).map(([k, v]) => code(`${k}=${v}`)).join(' ') || '—',
      m.minKubeVersion ? `Kubernetes >= ${m.minKubeVersion}` : 'any',
      m.source,
    ]));
  const table = (head: string[], body: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)];
  return [
    '## Runtime',
    '',
    'What each container runs, as Retool\'s own chart and manifests run it (sources below). Health probes: startup',
    '(ten minutes for first boot and migrations), readiness and liveness, all on the path (or TCP port) shown, with the timings of Retool\'s own manifests where they name some. Any env',
    'name set in `retool.env`, `podDefaults.env` or `components.<name>.env` wins over the chart\'s own value.',
    '',
    ...table(['container', 'image', 'start (args)', 'ports', 'health', 'env set by default', 'writes (emptyDirs under restricted)'], rows),
    '',
    ...model.components.map((c) => `- ${c.name}: ${c.source}`),
    ...[...new Map(model.components.map((c) => [c.image, c.imageSource])).entries()].map(([image, source]) => `- image \`${image}\`: ${source}`),
    '',
    '### Pod security presets (`podSecurity`)',
    '',
    ...table(['preset', 'pod securityContext', 'container securityContext', 'costs', 'source'],
      Object.entries(model.podSecurityPresets).map(([name, p]) => [code(name), code(JSON.stringify(p.pod)), code(JSON.stringify(p.container)), p.costs, p.source])),
    '',
    'The in-release PostgreSQL and the Temporal pods keep their own Pod Security "restricted" settings under both presets.',
    '`podSecurityContext` / `containerSecurityContext` are merged key by key over the preset.',
    '',
    '### Network edges beyond the release (`x-retool-edge-kinds`)',
    '',
    'Each is one NetworkPolicy egress rule of the components that have the edge (with `networkPolicy.enabled`).',
    '',
    ...table(['edge', 'reaches', 'peers', 'ports', 'components', 'source'], model.edgeKinds.map((k) => [
      code(k.name),
      k.target,
      'include' in k.egress ? `chart helper ${code(k.egress.include)}` : `${code(k.egress.peers)}${k.egress.cidrs ? ' (CIDRs)' : ''}`,
      'ports' in k.egress && k.egress.ports?.length ? k.egress.ports.join(', ') : 'any',
      model.components.filter((c) => c.talksTo[k.name]).map((c) => c.name).join(', '),
      k.source,
    ])),
    '',
    '### code-executor sandbox',
    '',
    ...table(['mode', 'security', 'env', 'needs', 'source'], sandboxes),
    '',
  ];
}
