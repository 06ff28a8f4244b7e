// uvu preload (test/run.ts passes it with -r): a `before` hook that throws fails every test of its suite,
// naming the test file and the hook's error.
//
// uvu 0.5 runs the `before` hooks inside the try whose `finally` prints the suite's count: an error there skips
// every test, is never printed, and the suite shows `(0 / 4)` in green. Here each `before` hook is wrapped so
// its error is kept, the tests still run, and a `before.each` hook registered with it throws that error in
// every test (the first one with the hook's stack). Hooks are arrays uvu copies when the suite runs, so both
// are in place by then. Under `-r`, test files get uvu's CommonJS build, the instance patched here.

import { createRequire } from 'node:module';

type Hook = (context: unknown) => unknown;
interface Registrar {
  (hook: Hook): void;
  each: (hook: Hook) => void;
}
interface Suite {
  before: Registrar;
}

const uvu = createRequire(import.meta.url)('uvu') as { test: Suite; suite: (...args: unknown[]) => Suite };
const PATCHED = Symbol.for('retool-chart.hook-errors');

/** The test file being loaded: uvu pushes [file name] onto its queue before it requires the file. */
function currentFile(): string {
  const queue = (globalThis as { UVU_QUEUE?: unknown[][] }).UVU_QUEUE;
  const index = (globalThis as { UVU_INDEX?: number }).UVU_INDEX ?? 0;
  return String(queue?.[index]?.[0] ?? 'a test file');
}

export function patch(suite: Suite): Suite {
  const original = suite.before as Registrar & { [PATCHED]?: true };
  if (original[PATCHED]) return suite;
  const wrapped = ((hook: Hook) => {
    const file = currentFile();
    let failure: Error | undefined;
    let reported = false;
    original(async (context) => {
      try {
        await hook(context);
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
      }
    });
    original.each(() => {
      if (!failure) return;
      if (reported) throw new Error(`setup of ${file} failed (see the first test): ${failure.message.split('\n')[0]}`);
      reported = true;
      const error = new Error(`setup of ${file} failed: the before hook threw: ${failure.message}`);
      error.stack = `${error.message}\n${failure.stack?.split('\n').slice(1).join('\n') ?? ''}`;
      throw error;
    });
  }) as Registrar & { [PATCHED]?: true };
  wrapped.each = original.each;
  wrapped[PATCHED] = true;
  suite.before = wrapped;
  return suite;
}

patch(uvu.test);
const makeSuite = uvu.suite;
uvu.suite = (...args: unknown[]) => patch(makeSuite(...args));
