import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { arr, int, mergeMaps, str, truthy } from './helpers.js';

export function mapIngress(ctx: ImportContext) {
  if (!truthy(ctx.read('ingress.enabled'))) {
    ctx.use('ingress');
    return;
  }
  const hostName = str(ctx.read('ingress.hostName'));
  const hosts = arr(ctx.read('ingress.hosts')).filter(isObject);
  const host = hostName ?? str(hosts[0]?.host);
  if (!host) {
    ctx.set('ingress.enabled', false, 'ingress.enabled with no hosts: the official chart renders an Ingress the API server refuses');
    ctx.use('ingress');
    return;
  }
  ctx.set('ingress.enabled', true, 'ingress.enabled');
  ctx.set('ingress.host', host, hostName ? 'ingress.hostName' : 'ingress.hosts[0].host');
  hosts.slice(hostName ? 0 : 1).forEach((h, i) => ctx.drop(`ingress.hosts[${hostName ? i : i + 1}]`, `host ${String(h.host)}: this chart routes one host`));
  const paths = arr(hosts[0]?.paths).filter(isObject).map((p) => String(p.path));
  if (paths.some((p) => p !== '/' && p !== '/*')) ctx.drop('ingress.hosts[0].paths', `paths ${paths.join(', ')}: this chart routes / to the api`);
  if (hosts[0]?.extraPaths) ctx.drop('ingress.hosts[0].extraPaths', 'extra ingress paths (e.g. an ALB ssl-redirect) are not supported; set them through your ingress controller');
  const className = str(ctx.read('ingress.ingressClassName'));
  if (className) ctx.set('ingress.className', className, 'ingress.ingressClassName');
  mergeMaps(ctx, 'ingress.annotations', ['ingress.annotations']);
  const tls = arr(ctx.read('ingress.tls')).filter(isObject);
  const match = tls.find((t) => arr(t.hosts).includes(host)) ?? tls[0];
  if (match) {
    if (str(match.secretName)) {
      ctx.set('ingress.tls.enabled', true, 'ingress.tls');
      ctx.set('ingress.tls.secretName', String(match.secretName), 'ingress.tls[].secretName');
    } else ctx.drop('ingress.tls', 'TLS without a secretName (a controller default certificate) is not supported; give the Secret');
    tls.filter((t) => t !== match).forEach((t) => ctx.drop('ingress.tls', `TLS entry ${String(t.secretName)} for another host: this chart routes one host`));
  }
  if (ctx.get('retool.baseDomain') === undefined && ctx.get('podDefaults.env.BASE_DOMAIN') === undefined) {
    const scheme = ctx.get('ingress.tls.enabled') === true ? 'https' : 'http';
    ctx.note(ctx.can('baseDomain')
      ? `BASE_DOMAIN was not set for the official chart; this chart derives it from the ingress: ${scheme}://${host}.`
      : `BASE_DOMAIN is not set; Retool needs it as the URL users open, e.g. ${scheme}://${host}.`);
  }
}

export function mapServiceAndAccount(ctx: ImportContext) {
  const type = str(ctx.read('service.type'));
  if (type && type !== 'ClusterIP') {
    if (['NodePort', 'LoadBalancer'].includes(type)) ctx.set('service.type', type, 'service.type');
    else ctx.drop('service.type', `Service type ${type} is not supported`);
  }
  const port = int(ctx.read('service.externalPort'));
  if (port !== undefined && port !== 3000) ctx.set('service.port', port, 'service.externalPort');
  mergeMaps(ctx, 'service.annotations', ['service.annotations']);
  const internal = int(ctx.read('service.internalPort'));
  if (internal !== undefined && internal !== 3000) ctx.drop('service.internalPort', `containers listen on 3000 in this chart, not ${internal}`);

  const create = ctx.read('serviceAccount.create');
  if (create === false) ctx.set('serviceAccount.create', false, 'serviceAccount.create');
  const name = str(ctx.read('serviceAccount.name'));
  if (name) ctx.set('serviceAccount.name', name, 'serviceAccount.name');
  mergeMaps(ctx, 'serviceAccount.annotations', ['serviceAccount.annotations']);
  if (truthy(ctx.read('serviceAccount.automountToken'))) ctx.drop('serviceAccount.automountToken', 'this chart never mounts a service account token into Retool pods');
  // Both charts derive object names the same way: keeping the overrides keeps the names (and Secret names) aligned.
  for (const key of ['nameOverride', 'fullnameOverride']) {
    const value = str(ctx.read(key));
    if (value) ctx.set(key, value, key);
  }
}
