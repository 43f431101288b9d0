import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, toErrorBody } from '@feedback/http';
import { languageFromAcceptHeader } from '@feedback/i18n';
import { formatBytes } from '../../../domain/documentation.policy';
import { ReportingSettings } from '../../../reporting-settings';
import { DocumentationForms, DocumentationLinkExpired, type DocumentationFormState } from '../../documentation-forms';
import { DocumentationRejected } from '../../documentation.service';
import type { LinkedRequest } from './documentation-link.guard';
import { secure, wantsHtml } from './documentation-http';

/**
 * Errors of the documentation pages: JSON for API clients, a localized page
 * for browsers. A rejected upload (too large, wrong type, no description)
 * shows the form again with each error beside its field, with the status of
 * the problem (400, 413, 415); anything else shows an error page.
 */
@Catch()
export class DocumentationPageFilter implements ExceptionFilter {
  private readonly log = new Logger('DocumentationPages');

  constructor(
    private readonly forms: DocumentationForms,
    private readonly settings: ReportingSettings,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<LinkedRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const { error, formErrors } = this.classify(exception, req);
    const body = toErrorBody(error);
    if (body.statusCode >= 500) this.log.error(exception instanceof Error ? exception.stack : String(exception));
    secure(res);
    if (!wantsHtml(req)) {
      res.status(body.statusCode).json(body);
      return;
    }
    const lang =
      req.documentationLink?.language ??
      (exception instanceof DocumentationLinkExpired ? exception.language : this.forms.language(languageFromAcceptHeader(req.headers['accept-language'])));
    if (formErrors && req.documentationLink) {
      try {
        const report = await this.forms.submittable(req.documentationLink.reportId);
        res.status(body.statusCode).type('html').send(await this.forms.form(String(req.params.token), report, lang, formErrors));
        return;
      } catch (inner) {
        const innerBody = toErrorBody(inner);
        res.status(innerBody.statusCode).type('html').send(this.forms.errorPage(lang, innerBody.statusCode >= 500 ? 'unexpected' : innerBody.error));
        return;
      }
    }
    res.status(body.statusCode).type('html').send(this.forms.errorPage(lang, body.statusCode >= 500 ? 'unexpected' : body.error));
  }

  /** Turns the upload parser's errors into the contract's codes, and says which form errors they mean. */
  private classify(exception: unknown, req: LinkedRequest): { error: unknown; formErrors?: DocumentationFormState } {
    const typed = typeof (req.body as { description?: unknown } | undefined)?.description === 'string' ? String((req.body as { description: string }).description) : undefined;
    if (exception instanceof DocumentationRejected) return { error: exception, formErrors: { description: exception.description, errors: exception.fieldErrors } };
    if (exception instanceof DomainError || !(exception instanceof HttpException)) return { error: exception };
    // Only the multipart parser throws Nest's own HTTP exceptions on this route.
    if (exception.getStatus() === 413) {
      const error = new DomainError(413, 'payload_too_large', `the file is larger than the ${formatBytes(this.settings.documentationMaxFileBytes)} limit`, {
        fields: [{ field: 'file', problems: ['too_large'] }],
      });
      return { error, formErrors: { description: typed, errors: { file: 'too_large' } } };
    }
    if (exception.getStatus() === 400) {
      const error = new DomainError(400, 'validation_failed', `the upload could not be read: ${exception.message}`, { fields: [{ field: 'file', problems: [exception.message] }] });
      return { error, formErrors: { description: typed, errors: { upload: 'upload_failed' } } };
    }
    return { error: exception };
  }
}
