/** Where generated files go, relative to the project root (a leaf module: commands import it without the emitters). */
export const CHART_DIR = 'charts/retool';
export const GENERATED_SRC_DIR = 'src/generated';
/** Directories the generator owns whole: replaced together, as one unit, on every run. */
export const OWNED_DIRS = [CHART_DIR, GENERATED_SRC_DIR];
export const TYPES_FILE = `${GENERATED_SRC_DIR}/values.ts`;
/** The x-retool-* annotation types, from schema/annotations.schema.json. */
export const ANNOTATION_TYPES_FILE = `${GENERATED_SRC_DIR}/annotations.ts`;
/** The values validator compiled ahead of time, JavaScript with its declarations (see values-validator.ts). */
export const VALUES_VALIDATOR_FILE = `${GENERATED_SRC_DIR}/values-validator.js`;
export const VALUES_VALIDATOR_TYPES_FILE = `${GENERATED_SRC_DIR}/values-validator.d.ts`;
