/** A program the toolkit runs (helm) failed: its own exit code, distinct from invalid input. */
export class ToolError extends Error {}

/** No helm to run was found (HELM_BIN unset, none on PATH, no bundled package): its own exit code. */
export class HelmNotFoundError extends Error {}
