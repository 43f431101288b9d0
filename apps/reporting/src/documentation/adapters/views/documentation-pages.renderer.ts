import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalizedPages } from '@feedback/i18n';

const PAGE_NAMES = ['documentation-form', 'message'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/**
 * The reviewer's documentation pages (localized, accessible, no third-party
 * assets), from the templates and texts beside this file.
 */
@Injectable()
export class DocumentationPages extends LocalizedPages<PageName> {
  readonly stylesheet = readFileSync(join(__dirname, 'documentation.css'), 'utf8');

  constructor() {
    super(__dirname, PAGE_NAMES);
  }
}
