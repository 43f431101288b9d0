import Handlebars from 'handlebars';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileTemplateFile } from './template-file';

describe('compileTemplateFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'template-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles a template with the given instance and options', () => {
    const file = join(dir, 'ok.hbs');
    writeFileSync(file, '<p>{{name}}</p>');
    expect(compileTemplateFile(Handlebars.create(), file)({ name: '<b>' })).toBe('<p>&lt;b&gt;</p>');
    expect(compileTemplateFile(Handlebars.create(), file, { noEscape: true })({ name: '<b>' })).toBe('<p><b></p>');
  });

  it('throws at once, naming the file, for a template that does not parse (Handlebars alone would wait for its first use)', () => {
    const file = join(dir, 'broken.hbs');
    writeFileSync(file, '{{#if shown}}never closed');
    expect(() => Handlebars.create().compile('{{#if shown}}never closed')).not.toThrow();
    expect(() => compileTemplateFile(Handlebars.create(), file)).toThrow(`template ${file} does not parse`);
  });
});
