/** A program the toolkit runs (helm) failed: exit code 3, distinct from invalid input. */
export class ToolError extends Error {}
