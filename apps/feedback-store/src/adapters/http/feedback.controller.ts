import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@feedback/auth';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@feedback/http';
import type { BusinessAccessRole } from '../../domain/business-roster.policy';
import type { FeedbackItem } from '../../domain/feedback-answer.types';
import { FeedbackAnswersService } from '../../feedback-answers.service';
import { BusinessAccessRoleOf, BusinessPermission } from './business-access.guard';
import { ErrorView, ValidationErrorView } from './dto/error-views.dto';
import { FeedbackItemView, FeedbackPageView } from './dto/feedback-views.dto';
import { IdParamPipe } from './id-param.pipe';
import { PageQuery, type PageRequest } from './page-query.decorator';

/**
 * The answers a business received to its feedback requests: read (F7, F8, F13)
 * and erased (F12). There is deliberately no route that creates or changes an
 * answer (F2, F6): answers only arrive through the respondent's link.
 */
@ApiTags('feedback')
@ApiParam({ name: 'businessId', description: 'the business; must be the one of the token' })
@ApiUnauthorizedResponse({ type: ErrorView, description: '`unauthorized`: missing, malformed, expired or forged token' })
@Controller('v1/businesses/:businessId/feedback')
export class FeedbackController {
  constructor(private readonly answers: FeedbackAnswersService) {}

  @Get()
  @ApiForbiddenResponse({
    type: ErrorView,
    description: '`forbidden`: a token of another business, an analyst or integrity token, or a business user who is not on the latest business profile',
  })
  @Access({ roles: ['business', 'processor'], tenantParam: 'businessId' })
  @BusinessPermission('read-feedback')
  @ApiOperation({
    summary: "The business's received feedback, newest first",
    description:
      "Admins of the business (latest business profile) see every answer; members see only answers about conversations they took part in (F7); a processor credential of the business reads every answer, read-only (F13). Items never name the person (F8). Erased answers are listed as tombstones: `erased` set, no score, option or comment.",
  })
  @ApiQuery({ name: 'limit', required: false, description: `page size, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' })
  @ApiOkResponse({ type: FeedbackPageView })
  @ApiBadRequestResponse({ type: ValidationErrorView, description: '`validation_failed`: a bad `limit` or `cursor`, or a malformed business id' })
  async list(
    @Param('businessId', IdParamPipe) businessId: string,
    @PageQuery() paging: PageRequest,
    @CurrentPrincipal() principal: Principal,
    @BusinessAccessRoleOf() role: BusinessAccessRole,
  ): Promise<FeedbackPageView> {
    const page = await this.answers.list(businessId, { role, userId: principal.sub }, paging.limit, paging.after);
    return { ...page, items: page.items.map(itemView) };
  }

  @Delete(':requestId')
  @HttpCode(204)
  @ApiForbiddenResponse({
    type: ErrorView,
    description: '`forbidden`: members and processors (read-only) may not erase; also a token of another business, other roles, and users not on the latest business profile',
  })
  @Access({ roles: ['business'], tenantParam: 'businessId' })
  @BusinessPermission('erase-feedback')
  @ApiParam({ name: 'requestId', description: 'the feedback request whose answer is erased' })
  @ApiOperation({
    summary: 'Erase a received answer (admins of the business only)',
    description:
      "Following the business's own deletion policy (F12): the answer becomes a tombstone (score, option and comment are deleted for good; when and by whom it was erased is kept) and FeedbackErased is emitted on feedback.requests.v1. Final: a replay of the answer never brings it back. Erasing an erased answer again changes nothing and emits nothing (204).",
  })
  @ApiNoContentResponse({ description: 'erased (now or before)' })
  @ApiNotFoundResponse({ type: ErrorView, description: '`not_found`: no answer to this request in this business (unknown, not answered, or another business)' })
  @ApiBadRequestResponse({ type: ValidationErrorView, description: '`validation_failed`: a malformed id' })
  async erase(
    @Param('businessId', IdParamPipe) businessId: string,
    @Param('requestId', IdParamPipe) requestId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.answers.erase(businessId, requestId, principal.sub);
  }
}

function itemView({ erased, ...item }: FeedbackItem): FeedbackItemView {
  return {
    ...item,
    requestedAt: item.requestedAt.toISOString(),
    submittedAt: item.submittedAt.toISOString(),
    ...(erased ? { erased: { erasedAt: erased.erasedAt.toISOString(), erasedBy: erased.erasedBy } } : {}),
  };
}
