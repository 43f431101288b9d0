import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@feedback/auth';
import { DomainError, checkId, pageOf } from '@feedback/http';
import { FairnessService } from '../../../fairness/fairness.service';
import { ReportRepository } from '../mongo/report.repository';
import { ReportsService } from '../../reports.service';
import { BusinessReportPage, BusinessReportQueryDto, BusinessReportView, CreateReportDto, ReportCreatedView } from './dto/report.dto';
import { toBusinessView, toMeterView } from './report-views';

@ApiTags('reports')
@Controller('v1/businesses/:businessId')
export class BusinessReportsController {
  constructor(
    private readonly service: ReportsService,
    private readonly reports: ReportRepository,
    private readonly fairness: FairnessService,
  ) {}

  @Post('reviews/:reviewId/reports')
  @HttpCode(201)
  @Access({ roles: ['business'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'Report a review of this business (R1–R4); not_genuine_experience also asks the reviewer for documentation (R3)' })
  @ApiCreatedResponse({ type: ReportCreatedView })
  @ApiBadRequestResponse({ description: '`validation_failed` with the failing fields' })
  @ApiNotFoundResponse({ description: '`review_not_found`: no such review of this business (yet)' })
  @ApiUnprocessableEntityResponse({
    description: '`information_request_required` (R1): no expired, declined or "could not identify" information request; `report_window_closed` (R2): published more than 12 months ago',
  })
  @ApiConflictResponse({ description: '`already_reported` (R4): this business already reported this review' })
  async create(
    @Param('businessId') businessId: string,
    @Param('reviewId') reviewId: string,
    @Body() body: CreateReportDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReportCreatedView> {
    checkId(reviewId, 'reviewId');
    const report = await this.service.report(businessId, reviewId, { reason: body.reason, details: body.details }, principal.sub);
    return { id: report.id, status: 'open', ...(report.documentation ? { documentationDeadline: report.documentation.expiresAt.toISOString() } : {}) };
  }

  @Get('reports')
  @Access({ roles: ['business', 'processor'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'This business\'s reports, newest first, with its selective-reporting meter (R7)' })
  @ApiOkResponse({ type: BusinessReportPage })
  @ApiBadRequestResponse({ description: '`validation_failed`: bad limit, cursor or status' })
  async list(@Param('businessId') businessId: string, @Query() query: BusinessReportQueryDto): Promise<BusinessReportPage> {
    const [page, meter] = await Promise.all([
      pageOf(query, (limit, cursor) => this.reports.list({ businessId, status: query.status }, limit, cursor), (report) => report.reportedAt, (reports) => reports.map(toBusinessView)),
      this.fairness.meter(businessId),
    ]);
    return { ...page, selectiveReportingMeter: toMeterView(meter) };
  }

  @Get('reports/:id')
  @Access({ roles: ['business', 'processor'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'One of this business\'s reports: status and decision (R5)' })
  @ApiOkResponse({ type: BusinessReportView })
  @ApiNotFoundResponse({ description: '`not_found`' })
  async get(@Param('businessId') businessId: string, @Param('id') id: string): Promise<BusinessReportView> {
    checkId(id, 'id');
    const report = await this.reports.findById(id);
    if (!report || report.businessId !== businessId) throw new DomainError(404, 'not_found', 'no report with this id for this business');
    return toBusinessView(report);
  }
}
