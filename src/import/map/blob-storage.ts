import { isObject } from '../../schema/json-schema.js';
import { type ImportContext } from '../import-context.js';
import { ref, str } from './helpers.js';

/** The official chart's rr.blobStorage providers and the keys each carries (values.yaml of 6.11.21). */
const PROVIDERS = ['s3', 'gcs', 'azure'] as const;

/**
 * rr.blobStorage.{s3|gcs|azure} become blobStorage.mode: external with that provider. A secret given inline
 * stays a string (it lands in this chart's Secret); `<field>SecretName`/`<field>SecretKey` become a
 * secretKeyRef. The official chart reads exactly one provider block; more than one is reported, not guessed.
 */
export function mapBlobStorage(ctx: ImportContext) {
  const blocks = PROVIDERS.filter((p) => isObject(ctx.peek(`rr.blobStorage.${p}`)) && Object.keys(ctx.peek(`rr.blobStorage.${p}`) as object).length);
  if (!blocks.length) return;
  if (blocks.length > 1) {
    for (const p of blocks) ctx.use(`rr.blobStorage.${p}`);
    ctx.drop('rr.blobStorage', `${blocks.join(' and ')} are both set: the official chart refuses that ("set exactly one of rr.blobStorage.s3, rr.blobStorage.gcs, rr.blobStorage.azure"); set blobStorage.external by hand`);
    return;
  }
  const provider = blocks[0];
  const base = `rr.blobStorage.${provider}`;
  ctx.set('blobStorage.mode', 'external', base);
  ctx.set('blobStorage.external.provider', provider, base);
  const plain = (field: string, ours = field) => {
    const value = str(ctx.read(`${base}.${field}`));
    if (value) ctx.set(`blobStorage.external.${provider}.${ours}`, value, `${base}.${field}`);
  };
  const secret = (field: string, defaultKey: string) => {
    const name = str(ctx.read(`${base}.${field}SecretName`));
    const key = str(ctx.read(`${base}.${field}SecretKey`)) ?? defaultKey;
    const inline = str(ctx.read(`${base}.${field}`));
    if (inline) ctx.set(`blobStorage.external.${provider}.${field}`, inline, `${base}.${field}`);
    else if (name) ctx.set(`blobStorage.external.${provider}.${field}`, ref(name, key), `${base}.${field}SecretName, ${base}.${field}SecretKey`);
  };
  if (provider === 's3') {
    plain('bucket');
    plain('region');
    plain('endpoint');
    plain('accessKeyId');
    secret('secretAccessKey', 'secret-access-key');
  } else if (provider === 'gcs') {
    plain('bucket');
    secret('credentials', 'credentials.json');
  } else {
    plain('container');
    plain('accountUrl');
    secret('connectionString', 'connection-string');
  }
}
