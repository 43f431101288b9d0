import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@feedback/auth';
import { DomainError, checkId, pageOf } from '@feedback/http';
import { KeyRing } from '@feedback/pii';
import { DirectoryRepository } from '../../../directory/adapters/mongo/directory.repository';
import { ReportRepository, type StoredReport } from '../mongo/report.repository';
import { ReportsService } from '../../reports.service';
import { DecisionDto, IntegrityReportPage, IntegrityReportQueryDto, IntegrityReportView } from './dto/report.dto';
import { toIntegrityView } from './report-views';

/** The integrity team's desk: open reports with their evidence, and decisions (R5, R7). */
@ApiTags('integrity')
@Controller('v1/integrity/reports')
export class IntegrityReportsController {
  constructor(
    private readonly service: ReportsService,
    private readonly reports: ReportRepository,
    private readonly directory: DirectoryRepository,
    private readonly keyRing: KeyRing,
  ) {}

  @Get()
  @Access({ roles: ['integrity'] })
  @ApiOperation({ summary: 'Reports, newest first, with the evidence: the review, its information-request history and the reviewer\'s documentation' })
  @ApiOkResponse({ type: IntegrityReportPage })
  @ApiBadRequestResponse({ description: '`validation_failed`: bad status, businessId, limit or cursor' })
  list(@Query() query: IntegrityReportQueryDto): Promise<IntegrityReportPage> {
    return pageOf(
      query,
      (limit, cursor) => this.reports.list({ businessId: query.businessId, status: query.status }, limit, cursor),
      (report) => report.reportedAt,
      (reports) => this.withEvidence(reports),
    );
  }

  @Get(':id')
  @Access({ roles: ['integrity'] })
  @ApiOperation({ summary: 'One report with its evidence' })
  @ApiOkResponse({ type: IntegrityReportView })
  @ApiNotFoundResponse({ description: '`not_found`' })
  async get(@Param('id') id: string): Promise<IntegrityReportView> {
    checkId(id, 'id');
    const report = await this.reports.findById(id);
    if (!report) throw new DomainError(404, 'not_found', 'no report with this id');
    const [view] = await this.withEvidence([report]);
    return view!;
  }

  @Post(':id/decision')
  @HttpCode(201)
  @Access({ roles: ['integrity'] })
  @ApiOperation({ summary: 'Decide on a report: remove the review or keep it (R5); the business is told by email and API, ReportResolved is emitted' })
  @ApiCreatedResponse({ type: IntegrityReportView })
  @ApiBadRequestResponse({ description: '`validation_failed`: decision must be removed or kept' })
  @ApiNotFoundResponse({ description: '`not_found`' })
  @ApiConflictResponse({ description: '`already_decided`' })
  async decide(@Param('id') id: string, @Body() body: DecisionDto, @CurrentPrincipal() principal: Principal): Promise<IntegrityReportView> {
    checkId(id, 'id');
    const decided = await this.service.decide(id, body.decision, principal.sub);
    const [view] = await this.withEvidence([decided]);
    return view!;
  }

  private async withEvidence(reports: StoredReport[]): Promise<IntegrityReportView[]> {
    const history = await this.directory.findInformationRequestsOfReviews(reports.map((report) => report.reviewId));
    return reports.map((report) => toIntegrityView(report, history.get(report.reviewId) ?? [], this.keyRing));
  }
}
