import { Injectable } from '@nestjs/common';
import { verifyRespondentLink } from '@feedback/auth';
import { DomainError } from '@feedback/http';
import { formatBytes, MAX_DESCRIPTION_LENGTH, type DocumentationFieldErrors } from '../domain/documentation.policy';
import { DirectoryRepository } from '../directory/adapters/mongo/directory.repository';
import { ReportingSettings } from '../reporting-settings';
import type { StoredReport } from '../reports/adapters/mongo/report.repository';
import { DocumentationPages } from './adapters/views/documentation-pages.renderer';
import { DocumentationService } from './documentation.service';

/** What the reviewer typed, shown again with the errors. */
export interface DocumentationFormState {
  description?: string;
  errors: DocumentationFieldErrors & { upload?: 'upload_failed' };
}

/** A genuine link past its deadline; the page still speaks the language it was sent in. */
export class DocumentationLinkExpired extends DomainError {
  constructor(readonly language: string) {
    super(410, 'expired', 'the time to send documentation for this report has passed');
  }
}

/** The language claim of a link whose signature was verified but which has expired. */
function languageOfExpired(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { lng?: unknown };
    return typeof claims.lng === 'string' ? claims.lng : undefined;
  } catch {
    return undefined;
  }
}

/** Codes the error page has its own text for; anything else reads as an invalid link. */
const KNOWN_ERRORS = ['expired', 'already_submitted', 'report_closed', 'not_found', 'rate_limited'];

/**
 * Everything the documentation pages need apart from HTTP: which report a
 * link leads to (links are single-purpose) and the page for each outcome.
 */
@Injectable()
export class DocumentationForms {
  constructor(
    private readonly pages: DocumentationPages,
    private readonly documentation: DocumentationService,
    private readonly directory: DirectoryRepository,
    private readonly settings: ReportingSettings,
  ) {}

  /** The report a documentation link is bound to, and the language it was sent in. */
  resolve(token: string): { reportId: string; language: string } {
    const check = verifyRespondentLink(token, 'documentation', this.settings.respondentLinkKey);
    // `expired` is only told for a genuine signature, so its claims can be trusted for the language.
    if (!check.ok && check.reason === 'expired') throw new DocumentationLinkExpired(this.pages.language(languageOfExpired(token)));
    if (!check.ok) throw new DomainError(404, 'not_found', 'this link is not valid');
    return { reportId: check.link.subjectId, language: this.pages.language(check.link.language) };
  }

  language(preferred: string | undefined): string {
    return this.pages.language(preferred);
  }

  async form(token: string, report: StoredReport, lang: string, state: DocumentationFormState): Promise<string> {
    const business = await this.directory.findBusiness(report.businessId);
    const businessName = business?.name ?? '';
    const maxFileSize = formatBytes(this.settings.documentationMaxFileBytes);
    const descriptionError = state.errors.description ? this.pages.t(lang, `errors.description_${state.errors.description}`) : undefined;
    const fileProblem = state.errors.file ? `file_${state.errors.file}` : state.errors.upload;
    const fileError = fileProblem ? this.pages.t(lang, `errors.${fileProblem}`, { size: maxFileSize }) : undefined;
    const errorList = [
      ...(descriptionError ? [{ anchor: 'description', text: descriptionError }] : []),
      ...(fileError ? [{ anchor: 'file', text: fileError }] : []),
    ];
    return this.pages.render('documentation-form', lang, {
      title: this.pages.t(lang, 'documentation.title', { business: businessName }),
      businessName,
      reviewPublished: this.pages.formatDate(lang, report.review.publishedAt),
      deadline: this.pages.formatDeadline(lang, report.documentation!.expiresAt),
      maxFileSize,
      maxDescriptionLength: MAX_DESCRIPTION_LENGTH,
      description: state.description ?? '',
      descriptionError,
      fileError,
      token,
      errorList,
    });
  }

  async submittedPage(report: StoredReport, lang: string, hasFile: boolean): Promise<string> {
    const business = await this.directory.findBusiness(report.businessId);
    return this.pages.render('message', lang, {
      title: this.pages.t(lang, 'documentation.submittedTitle'),
      message: this.pages.t(lang, 'documentation.submitted', { business: business?.name ?? '' }),
      detail: hasFile ? this.pages.t(lang, 'documentation.submittedFile') : undefined,
    });
  }

  errorPage(lang: string, code: string): string {
    const key = KNOWN_ERRORS.includes(code) ? `errors.${code}` : code === 'unexpected' ? 'errors.unexpected' : 'errors.not_found';
    return this.pages.render('message', lang, { title: this.pages.t(lang, 'errors.title'), message: this.pages.t(lang, key), isError: true });
  }

  submittable(reportId: string) {
    return this.documentation.submittable(reportId);
  }
}
