/**
 * How the user reached this CLI, so that relative paths mean what they typed and every hint prints a command
 * that works as shown. Three ways in: `retool-chart` on PATH (an installed package, or `npm link` in a
 * checkout), `npx retool-chart` (npm runs the project's own bin, in the caller's directory), and this
 * checkout's `npm run cli -- …` scripts, which npm runs from the package root with the caller's directory
 * in INIT_CWD.
 */

/** True when one of this project's own npm scripts (cli, generate, start) runs the CLI from source. */
function viaProjectScript(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.INIT_CWD) && (env.npm_lifecycle_script ?? '').includes('src/cli/run.ts');
}

/** The directory relative paths on the command line are relative to. */
export function callerDirectory(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return viaProjectScript(env) ? env.INIT_CWD! : cwd;
}

/** The command prefix to print in hints: `retool-chart`, `npx retool-chart` or `npm run cli --`. */
export function selfCommand(env: NodeJS.ProcessEnv = process.env): string {
  if (viaProjectScript(env)) return env.npm_lifecycle_event === 'cli' ? 'npm run cli --' : 'npx retool-chart';
  if (env.npm_lifecycle_event === 'npx') return 'npx retool-chart';
  return 'retool-chart';
}
