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
import type { InformationRequest } from '../../../domain/information-request.types';
import { InformationRequestsService } from '../../information-requests.service';
import { InformationRequestRepository } from '../mongo/information-request.repository';
import {
  CreateInformationRequestDto,
  InformationRequestCreatedView,
  InformationRequestPage,
  InformationRequestView,
  ListQueryDto,
} from './dto/information-request.dto';

export function toView(request: InformationRequest): InformationRequestView {
  return {
    id: request.id,
    businessId: request.businessId,
    reviewId: request.reviewId,
    requestedBy: request.requestedBy,
    status: request.status,
    requestedAt: request.requestedAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
    outcome: {
      sharedFields: request.sharedFields,
      answeredAt: request.answeredAt?.toISOString(),
      declinedAt: request.declinedAt?.toISOString(),
      expiredAt: request.expiredAt?.toISOString(),
      notGenuineReportUnlocked: request.status === 'expired' || request.status === 'declined',
    },
  };
}

@ApiTags('information requests')
@Controller('v1/businesses/:businessId')
export class InformationRequestsController {
  constructor(
    private readonly service: InformationRequestsService,
    private readonly repository: InformationRequestRepository,
  ) {}

  @Post('reviews/:reviewId/information-requests')
  @HttpCode(201)
  @Access({ roles: ['business'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'Ask the author of a review of this business for identifying details (I1–I3)' })
  @ApiCreatedResponse({ type: InformationRequestCreatedView })
  @ApiBadRequestResponse({ description: '`validation_failed`' })
  @ApiNotFoundResponse({ description: '`review_not_found`: no such review of this business' })
  @ApiConflictResponse({ description: '`already_requested`: this review already has an information request' })
  @ApiUnprocessableEntityResponse({ description: '`invited_review`: the review was written after a platform invitation' })
  async create(
    @Param('businessId') businessId: string,
    @Param('reviewId') reviewId: string,
    @Body() _body: CreateInformationRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InformationRequestCreatedView> {
    checkId(reviewId, 'reviewId');
    const request = await this.service.request(businessId, reviewId, principal.sub);
    return { id: request.id, status: 'pending', expiresAt: request.expiresAt.toISOString() };
  }

  @Get('information-requests')
  @Access({ roles: ['business', 'processor'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'This business\'s information requests with their status and outcome, newest first' })
  @ApiOkResponse({ type: InformationRequestPage })
  @ApiBadRequestResponse({ description: '`validation_failed`: bad limit, cursor or status' })
  async list(@Param('businessId') businessId: string, @Query() query: ListQueryDto): Promise<InformationRequestPage> {
    return pageOf(query, (limit, cursor) => this.repository.listForBusiness(businessId, limit, cursor, query.status), (request) => request.requestedAt, (items) => items.map(toView));
  }

  @Get('information-requests/:id')
  @Access({ roles: ['business', 'processor'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'One information request: status and outcome (I6)' })
  @ApiOkResponse({ type: InformationRequestView })
  @ApiNotFoundResponse({ description: '`not_found`' })
  async get(@Param('businessId') businessId: string, @Param('id') id: string): Promise<InformationRequestView> {
    checkId(id, 'id');
    const request = await this.service.find(id);
    if (!request || request.businessId !== businessId) throw new DomainError(404, 'not_found', 'no information request with this id for this business');
    return toView(request);
  }
}
