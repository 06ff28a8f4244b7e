/**
 * The generator (Handlebars templates, json-schema-to-typescript) is a development tool: the published package
 * does not install it (see README "Use as a library"). Commands that need it load it here, and say so when the
 * packages are absent instead of failing on a module error.
 */
const GENERATOR_PACKAGES = ['handlebars', 'json-schema-to-typescript'];

/** Thrown when the generator's packages are not installed (an installed copy of retool-chart, not a checkout). */
export class GeneratorMissingError extends Error {}

export async function loadGenerator(): Promise<typeof import('../generate/generate.js')> {
  try {
    return await import('../generate/generate.js');
  } catch (error) {
    const message = String((error as Error)?.message ?? '');
    const missing = GENERATOR_PACKAGES.find((name) => message.includes(`'${name}'`));
    if ((error as { code?: string })?.code === 'ERR_MODULE_NOT_FOUND' && missing) {
      throw new GeneratorMissingError(
        `the chart generator is not installed here (${missing} is a development dependency): run generate in a checkout of retool-chart after npm ci`,
      );
    }
    throw error;
  }
}
