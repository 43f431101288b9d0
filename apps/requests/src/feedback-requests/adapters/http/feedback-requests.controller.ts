import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@feedback/auth';
import { DomainError, checkId, pageOf } from '@feedback/http';
import type { FeedbackRequest } from '../../../domain/feedback-request.types';
import { ListQueryDto } from '../../../information-requests/adapters/http/dto/information-request.dto';
import { FeedbackRequestsService } from '../../feedback-requests.service';
import { FeedbackRequestRepository } from '../mongo/feedback-request.repository';
import { CreateFeedbackRequestDto, FeedbackRequestCreatedView, FeedbackRequestPage, FeedbackRequestView } from './dto/feedback-request.dto';

function toView(request: FeedbackRequest): FeedbackRequestView {
  return {
    id: request.id,
    businessId: request.businessId,
    conversationId: request.conversationId,
    userId: request.userId,
    requestedBy: request.requestedBy,
    survey: request.survey,
    test: request.test,
    status: request.status,
    requestedAt: request.requestedAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
    answeredAt: request.answeredAt?.toISOString(),
    declinedAt: request.declinedAt?.toISOString(),
    expiredAt: request.expiredAt?.toISOString(),
  };
}

@ApiTags('feedback requests')
@Controller('v1/businesses/:businessId/feedback-requests')
export class FeedbackRequestsController {
  constructor(
    private readonly service: FeedbackRequestsService,
    private readonly repository: FeedbackRequestRepository,
  ) {}

  @Post()
  @HttpCode(201)
  @Access({ roles: ['business'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'Ask a person for feedback about a private conversation (F1, F3, F4, F11, F14, F15)' })
  @ApiCreatedResponse({ type: FeedbackRequestCreatedView })
  @ApiBadRequestResponse({ description: '`validation_failed` with the failing fields (e.g. a custom survey without 2–10 options)' })
  @ApiUnprocessableEntityResponse({ description: '`no_prior_interaction` (F1) or `privacy_policy_missing` (F11)' })
  @ApiConflictResponse({ description: '`already_requested`: this conversation already has a feedback request (F3)' })
  @ApiTooManyRequestsResponse({ description: '`recipient_rate_limited`: the person was asked too often in the last 24 h (F14)' })
  async create(@Param('businessId') businessId: string, @Body() body: CreateFeedbackRequestDto, @CurrentPrincipal() principal: Principal): Promise<FeedbackRequestCreatedView> {
    const survey = body.survey.type === 'custom' ? { type: 'custom' as const, options: body.survey.options! } : { type: body.survey.type };
    const request = await this.service.request(businessId, principal.sub, { conversationId: body.conversationId, userId: body.userId, survey, test: body.test ?? false });
    return { id: request.id, status: 'pending', expiresAt: request.expiresAt.toISOString() };
  }

  @Get()
  @Access({ roles: ['business', 'processor'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'This business\'s feedback requests and their status, newest first' })
  @ApiOkResponse({ type: FeedbackRequestPage })
  @ApiBadRequestResponse({ description: '`validation_failed`: bad limit, cursor or status' })
  async list(@Param('businessId') businessId: string, @Query() query: ListQueryDto): Promise<FeedbackRequestPage> {
    return pageOf(query, (limit, cursor) => this.repository.listForBusiness(businessId, limit, cursor, query.status), (request) => request.requestedAt, (items) => items.map(toView));
  }

  @Get(':id')
  @Access({ roles: ['business', 'processor'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'One feedback request and its status' })
  @ApiOkResponse({ type: FeedbackRequestView })
  @ApiNotFoundResponse({ description: '`not_found`' })
  async get(@Param('businessId') businessId: string, @Param('id') id: string): Promise<FeedbackRequestView> {
    checkId(id, 'id');
    const request = await this.service.find(id);
    if (!request || request.businessId !== businessId) throw new DomainError(404, 'not_found', 'no feedback request with this id for this business');
    return toView(request);
  }
}
