/**
 * Terminal styling: colour only when the stream is a terminal and NO_COLOR is unset (https://no-color.org),
 * never in pipes, files or CI logs.
 */
export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function styleFor(stream: NodeJS.WriteStream): Style {
  const on = stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) => (on ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** A progress note for long commands: on a terminal only, on stderr, so that piped output stays clean. */
export function progress(message: string): void {
  if (process.stderr.isTTY && !process.env.CI) process.stderr.write(`${styleFor(process.stderr).dim(`… ${message}`)}\n`);
}
