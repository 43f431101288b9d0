// What the npm-run tools (token, demo) share about their arguments: `--help` prints the usage and
// exits 0; a mistyped option or value gets the reason and the usage on stderr and exit 2, never a
// stack trace or a run with NaN in it.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Stops the tool after a mistake in its arguments: the reason, the usage, exit 2. */
export function refuse(message: string, usage: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

/**
 * node:util's parseArgs for a tool's options, which must declare `help` (a boolean): answers
 * `--help` with the usage (exit 0) and refuses what parseArgs cannot read.
 */
export function parseCommandLine<T extends ParseArgsConfig['options'] & { help: { type: 'boolean' } }>(options: T, usage: string) {
  let parsed;
  try {
    parsed = parseArgs<{ options: T }>({ options });
  } catch (error) {
    return refuse((error as Error).message, usage);
  }
  // T declares `help`, but parseArgs' result type cannot be resolved for a generic T.
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return parsed.values;
}
