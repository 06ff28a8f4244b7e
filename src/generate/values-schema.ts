import type { ChartModel } from '../model/chart-model.js';

/** values.schema.json: draft-07, self-contained (only #/definitions refs), without generator annotations. */
export function emitValuesSchema(model: ChartModel): string {
  return `${JSON.stringify(model.published, null, 2)}\n`;
}
