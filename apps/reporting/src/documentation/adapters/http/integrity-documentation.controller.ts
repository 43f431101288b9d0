import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '@feedback/auth';
import { DomainError, checkId } from '@feedback/http';
import { ReportRepository } from '../../../reports/adapters/mongo/report.repository';
import { DocumentationService } from '../../documentation.service';

const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };

/** The reviewer's file, for the integrity team only (R7). */
@ApiTags('integrity')
@Controller('v1/integrity/reports/:id/documentation')
export class IntegrityDocumentationController {
  constructor(
    private readonly reports: ReportRepository,
    private readonly documentation: DocumentationService,
  ) {}

  @Get('file')
  @Access({ roles: ['integrity'] })
  @ApiOperation({ summary: 'Download the file the reviewer attached to their documentation (decrypted; integrity team only)' })
  @ApiProduces('application/pdf', 'image/png', 'image/jpeg')
  @ApiOkResponse({ description: 'the file, as an attachment, with the type detected from its content' })
  @ApiNotFoundResponse({ description: '`not_found`: no such report, or no file' })
  async file(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    checkId(id, 'id');
    const report = await this.reports.findById(id);
    const file = report && (await this.documentation.file(report));
    if (!file) throw new DomainError(404, 'not_found', 'this report has no documentation file');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return new StreamableFile(file.bytes, {
      type: file.contentType,
      length: file.bytes.length,
      disposition: `attachment; filename="documentation-${id}.${EXTENSIONS[file.contentType] ?? 'bin'}"`,
    });
  }
}
