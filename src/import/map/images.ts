import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { type TargetFacts } from '../target-facts.js';
import { type Version, compareVersion, parseVersion, str } from './helpers.js';


export function mapImages(ctx: ImportContext, target: TargetFacts): Version | undefined {
  const repository = str(ctx.read('image.repository')) ?? 'tryretool/backend';
  const tag = str(ctx.read('image.tag')) ?? '';
  setRepository(ctx, 'backend', repository, 'tryretool/backend', 'image.repository');

  let version: Version | undefined;
  const channelTag = /^(\d+)\.(\d+)\.(\d+)-(stable|edge)$/.exec(tag);
  const semverTag = /^(\d+)\.(\d+)\.(\d+)/.exec(tag);
  if (channelTag) {
    ctx.set('retool.version', `${channelTag[1]}.${channelTag[2]}.${channelTag[3]}`, 'image.tag');
    ctx.set('retool.channel', channelTag[4], 'image.tag');
  } else if (semverTag) {
    ctx.set('retool.version', semverTag[0], 'image.tag (version part)');
    ctx.set('images.backend.tag', tag, 'image.tag (not <version>-<channel>: pinned as written)');
    ctx.note(`image.tag "${tag}" is not <version>-<channel>; it is pinned as images.backend.tag.`);
  } else if (tag === 'latest') {
    ctx.drop('image.tag', `"latest" is refused by this chart (a moving tag); pinned to ${target.defaultVersion} instead — set retool.version to the version you run`);
  } else if (tag === '') {
    ctx.note(`image.tag is empty: the official chart refuses to render without it; this chart's default version ${target.defaultVersion} is used.`);
  } else if (/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    ctx.set('images.backend.tag', tag, 'image.tag');
  } else {
    ctx.drop('image.tag', `"${tag}" is not a valid image tag`);
  }
  version = semverTag ? parseVersion(semverTag[0]) : parseVersion(target.defaultVersion);

  const pullPolicy = str(ctx.read('image.pullPolicy'));
  if (pullPolicy && pullPolicy !== 'IfNotPresent') ctx.set('images.pullPolicy', pullPolicy, 'image.pullPolicy');
  const pullSecrets = ctx.read('image.pullSecrets');
  if (Array.isArray(pullSecrets) && pullSecrets.length) {
    const names = pullSecrets.map((s) => (isObject(s) ? str(s.name) : str(s))).filter((s): s is string => !!s);
    ctx.set('images.pullSecrets', names, 'image.pullSecrets');
  }

  // The code executor follows image.tag from Retool 3.20.15 on; before that the official chart pins 1.1.0.
  const ceRepository = str(ctx.read('codeExecutor.image.repository')) ?? 'tryretool/code-executor-service';
  setRepository(ctx, 'codeExecutor', ceRepository, 'tryretool/code-executor-service', 'codeExecutor.image.repository');
  const ceTag = str(ctx.read('codeExecutor.image.tag'));
  if (ceTag) ctx.set('images.codeExecutor.tag', ceTag, 'codeExecutor.image.tag');
  else if (semverTag && !channelTag && version && compareVersion(version, [3, 20, 15]) >= 0) ctx.set('images.codeExecutor.tag', tag, 'image.tag (the code executor follows it)');
  else if (version && semverTag && compareVersion(version, [3, 20, 15]) < 0) ctx.set('images.codeExecutor.tag', '1.1.0', 'official rule: code executor 1.1.0 before Retool 3.20.15');
  return version;
}

export function setRepository(ctx: ImportContext, image: string, repository: string, fallback: string, from: string) {
  if (repository === fallback) return;
  if (/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(repository)) {
    ctx.set(`images.${image}.repository`, repository, from);
    return;
  }
  const [registry, ...rest] = repository.split('/');
  if (rest.length && /[.:]/.test(registry) && /^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(rest.join('/'))) {
    const current = ctx.get('images.registry');
    if (current !== undefined && current !== registry) {
      ctx.drop(from, `registry "${registry}" differs from "${current}"; this chart has one registry prefix for every image`);
      return;
    }
    ctx.set('images.registry', registry, `${from} (registry part; this chart prefixes it to every image)`);
    ctx.set(`images.${image}.repository`, rest.join('/'), from);
    return;
  }
  ctx.drop(from, `"${repository}" is not an image repository this chart accepts`);
}
