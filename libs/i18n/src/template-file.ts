import type Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';

/**
 * A Handlebars template read from `file`, parsed now. Handlebars itself parses
 * and compiles a template on its first use, so a broken one would fail the
 * first page or email of its kind in production; parsing here makes it stop
 * the service at boot instead, naming the file.
 */
export function compileTemplateFile(handlebars: typeof Handlebars, file: string, options?: CompileOptions): HandlebarsTemplateDelegate {
  const source = readFileSync(file, 'utf8');
  try {
    handlebars.parse(source);
  } catch (error) {
    throw new Error(`template ${file} does not parse: ${(error as Error).message}`);
  }
  return handlebars.compile(source, options);
}
