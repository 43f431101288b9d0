import { Body, Controller, Get, HttpCode, Post, Req, Res, UploadedFile, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '@feedback/auth';
import { DomainError } from '@feedback/http';
import { DocumentationForms } from '../../documentation-forms';
import { DocumentationService, type DocumentationInput } from '../../documentation.service';
import { DocumentationLinkGuard, type LinkedRequest } from './documentation-link.guard';
import { secure, wantsHtml } from './documentation-http';
import { DocumentationPageFilter } from './documentation-page.filter';

/** The part multer gives for the `file` field (memory storage). */
interface UploadedDocument {
  buffer: Buffer;
  size: number;
}

const invalid = (fields: { field: string; problems: string[] }[]) =>
  new DomainError(400, 'validation_failed', fields.map((f) => `${f.field} ${f.problems.join(', ')}`).join('; '), { fields });

/**
 * The reviewer's documentation form (R3), reached only through the link in
 * their email: single-purpose, bound to one report, expiring with its
 * deadline. Documentation is sent once and seen by the integrity team only (R7).
 */
@ApiTags('reviewer documentation')
@Controller('documentation')
@PublicRoute()
@UseGuards(DocumentationLinkGuard)
@UseFilters(DocumentationPageFilter)
export class DocumentationController {
  constructor(
    private readonly forms: DocumentationForms,
    private readonly documentation: DocumentationService,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: 'The localized documentation form a reviewer\'s link opens (HTML)' })
  @ApiParam({ name: 'token', description: 'the signed documentation link from the email' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'the form' })
  @ApiResponse({ status: 404, description: '`not_found`: not a valid documentation link' })
  @ApiResponse({ status: 409, description: '`already_submitted`, or `report_closed` once the integrity team decided' })
  @ApiResponse({ status: 410, description: '`expired`: past DOCUMENTATION_WINDOW' })
  @ApiResponse({ status: 429, description: '`rate_limited`: too many requests for this link' })
  async show(@Req() req: LinkedRequest, @Res() res: Response): Promise<void> {
    secure(res);
    const link = req.documentationLink!;
    const report = await this.forms.submittable(link.reportId);
    res.status(200).type('html').send(await this.forms.form(String(req.params.token), report, link.language, { errors: {} }));
  }

  @Post(':token')
  @HttpCode(201)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Send documentation, once: a description and an optional PDF, PNG or JPEG file (multipart), or JSON {description}' })
  @ApiParam({ name: 'token', description: 'the signed documentation link from the email' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['description'],
      properties: {
        description: { type: 'string', maxLength: 5000, description: 'the reviewer\'s account of the experience' },
        file: { type: 'string', format: 'binary', description: 'multipart only: a PDF, PNG or JPEG file (checked by content), at most DOCUMENTATION_MAX_FILE_BYTES (5 MB)' },
      },
    },
  })
  @ApiResponse({ status: 201, description: 'sent: JSON `{reportId, status: "submitted", hasFile, submittedAt}`, or a localized confirmation page for a browser form post' })
  @ApiResponse({ status: 400, description: '`validation_failed`: no description, a description over 5,000 characters, or an unknown field' })
  @ApiResponse({ status: 404, description: '`not_found`' })
  @ApiResponse({ status: 409, description: '`already_submitted` or `report_closed`' })
  @ApiResponse({ status: 410, description: '`expired`' })
  @ApiResponse({ status: 413, description: '`payload_too_large`: the file is over the size limit' })
  @ApiResponse({ status: 415, description: '`unsupported_media_type`: the file is not a PDF, PNG or JPEG by its content, or the body is neither multipart nor JSON' })
  @ApiResponse({ status: 429, description: '`rate_limited`' })
  async submit(@Body() body: unknown, @UploadedFile() file: UploadedDocument | undefined, @Req() req: LinkedRequest, @Res() res: Response): Promise<void> {
    secure(res);
    const link = req.documentationLink!;
    const { report, submittedAt, hasFile } = await this.documentation.submit(link.reportId, parseSubmission(req, body, file));
    if (wantsHtml(req)) {
      res.status(201).type('html').send(await this.forms.submittedPage(report, link.language, hasFile));
      return;
    }
    res.status(201).json({ reportId: report.id, status: 'submitted', hasFile, submittedAt: submittedAt.toISOString() });
  }
}

/** JSON `{description}`, or a form (multipart with an optional file, or urlencoded) with the same field. */
function parseSubmission(req: LinkedRequest, body: unknown, file: UploadedDocument | undefined): DocumentationInput {
  if (!req.is(['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'])) {
    throw new DomainError(415, 'unsupported_media_type', 'send multipart/form-data (description, optional file) or JSON {"description": "..."}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ field: '(body)', problems: ['must be an object'] }]);
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => key !== 'description');
  if (unknown.length > 0) throw invalid(unknown.map((field) => ({ field, problems: ['is not a field of this form'] })));
  if ('description' in fields && typeof fields.description !== 'string') throw invalid([{ field: 'description', problems: ['must be a string'] }]);
  // A browser sends an empty part when no file was chosen.
  return { description: fields.description, ...(file && file.size > 0 ? { file: file.buffer } : {}) };
}
