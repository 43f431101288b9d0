import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalizedPages } from '@feedback/i18n';

const PAGE_NAMES = ['information-form', 'feedback-form', 'answered', 'message'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/**
 * The respondent pages (localized, accessible, no third-party assets), from the
 * templates and texts beside this file.
 */
@Injectable()
export class RespondPages extends LocalizedPages<PageName> {
  readonly stylesheet = readFileSync(join(__dirname, 'respond.css'), 'utf8');

  constructor() {
    super(__dirname, PAGE_NAMES);
  }
}
