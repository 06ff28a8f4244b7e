import type { ChartModel } from '../model/chart-model.js';
import { firstMatchSchema } from '../schema/first-match.js';

/**
 * values.schema.json: draft-07, self-contained (only #/definitions refs), without generator annotations, with
 * its provably exclusive `oneOf`s written as Helm checks fastest (first-match.ts: the same verdicts).
 */
export function emitValuesSchema(model: ChartModel): string {
  return `${JSON.stringify(firstMatchSchema(model.published), null, 2)}\n`;
}
