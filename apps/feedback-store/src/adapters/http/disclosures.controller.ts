import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentPrincipal, type Principal } from '@feedback/auth';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@feedback/http';
import { DisclosuresService } from '../../disclosures.service';
import { BusinessPermission } from './business-access.guard';
import { DetailsReadsPageView, IdentificationView, SharedDetailsView } from './dto/disclosure-views.dto';
import { ErrorView, ValidationErrorView } from './dto/error-views.dto';
import { RecordIdentificationDto } from './dto/identification.dto';
import { IdParamPipe } from './id-param.pipe';
import { PageQuery, type PageRequest } from './page-query.decorator';

const BUSINESS_USERS = { roles: ['business'] as const, tenantParam: 'businessId' };

/** The shared details of a business's information requests (I7), its audit log, and the identification outcome (R1). */
@ApiTags('information request details')
@ApiParam({ name: 'businessId', description: 'the business; must be the one of the token' })
@ApiParam({ name: 'requestId', description: 'the information request' })
@ApiBadRequestResponse({ type: ValidationErrorView, description: '`validation_failed`: a malformed id (or body), with the failing fields' })
@Controller('v1/businesses/:businessId/information-requests/:requestId')
export class DisclosuresController {
  constructor(private readonly disclosures: DisclosuresService) {}

  @Get('details')
  @ApiForbiddenResponse({ type: ErrorView, description: '`forbidden` also for processors, analysts and the integrity team (they never see shared details), and for a user who is not on the latest business profile' })
  @Access(BUSINESS_USERS)
  @BusinessPermission('read-details')
  @ApiOperation({
    summary: 'The details the reviewer shared, decrypted',
    description:
      "Every successful read is first audit-logged with who, when and the one permitted purpose: finding the person in the business's own customer records. The route takes no purpose (query parameters are ignored).",
  })
  @ApiOkResponse({ type: SharedDetailsView })
  @ApiNotFoundResponse({ type: ErrorView, description: '`not_found`: no shared details for this request in this business (unknown, not answered (yet), or another business)' })
  @ApiGoneResponse({ type: ErrorView, description: '`purged`: the values were deleted at the end of the retention period' })
  @ApiServiceUnavailableResponse({
    type: ErrorView,
    description: '`encryption_key_unavailable`: the values were encrypted with a key this service no longer has (removed from its key ring too early); nothing is returned or audit-logged until an operator restores the key',
  })
  async details(
    @Param('businessId', IdParamPipe) businessId: string,
    @Param('requestId', IdParamPipe) requestId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SharedDetailsView> {
    const shared = await this.disclosures.readDetails(businessId, requestId, principal.sub);
    return { ...shared, providedAt: shared.providedAt.toISOString(), retentionEndsAt: shared.retentionEndsAt.toISOString() };
  }

  @Get('details/reads')
  @ApiForbiddenResponse({ type: ErrorView, description: '`forbidden` also for members: only admins of the business (latest business profile) see the log' })
  @Access(BUSINESS_USERS)
  @BusinessPermission('read-audit-log')
  @ApiOperation({ summary: 'Who read the shared details, when and why (admins of the business only)', description: 'Kept after the values are purged.' })
  @ApiQuery({ name: 'limit', required: false, description: `page size, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' })
  @ApiOkResponse({ type: DetailsReadsPageView })
  @ApiNotFoundResponse({ type: ErrorView, description: '`not_found`: no shared details for this request in this business' })
  async reads(
    @Param('businessId', IdParamPipe) businessId: string,
    @Param('requestId', IdParamPipe) requestId: string,
    @PageQuery() paging: PageRequest,
  ): Promise<DetailsReadsPageView> {
    const page = await this.disclosures.listReads(businessId, requestId, paging.limit, paging.after);
    return { ...page, items: page.items.map((read) => ({ ...read, readAt: read.readAt.toISOString() })) };
  }

  @Post('identification')
  @ApiForbiddenResponse({ type: ErrorView, description: '`forbidden` also for processors (read-only) and for a user who is not on the latest business profile' })
  @Access(BUSINESS_USERS)
  @BusinessPermission('record-identification')
  @ApiOperation({
    summary: 'Record whether the shared details let the business identify the person',
    description:
      'For an answered request of this business. The latest answer wins; each change emits IdentificationRecorded on info.requests.v1 (`identified: false` unlocks a `not_genuine_experience` report, R1). Repeating the current answer changes nothing (200, no event).',
  })
  @ApiCreatedResponse({ type: IdentificationView, description: 'recorded (a new or changed answer); IdentificationRecorded is emitted' })
  @ApiOkResponse({ type: IdentificationView, description: 'the same answer was already recorded; returned unchanged, no event' })
  @ApiNotFoundResponse({ type: ErrorView, description: '`not_found`: no answered request with this id in this business' })
  @ApiConflictResponse({ type: ErrorView, description: '`conflict`: the answer kept being changed concurrently; try again' })
  async identification(
    @Param('businessId', IdParamPipe) businessId: string,
    @Param('requestId', IdParamPipe) requestId: string,
    @Body() body: RecordIdentificationDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IdentificationView> {
    const { identification, changed } = await this.disclosures.recordIdentification(businessId, requestId, body.identified, principal.sub);
    if (!changed) response.status(200);
    return { requestId, identified: identification.identified, recordedBy: identification.recordedBy, recordedAt: identification.recordedAt.toISOString() };
  }
}
