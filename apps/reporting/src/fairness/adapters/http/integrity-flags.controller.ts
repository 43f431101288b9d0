import { pageOf } from '@feedback/http';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '@feedback/auth';
import { MIN_REPORTS_FOR_FLAG, SIGNIFICANCE_LEVEL } from '../../../domain/fairness.policy';
import type { EvaluatedFigures, MisuseFlag } from '../../../domain/misuse-flag.types';
import { MisuseFlagRepository } from '../mongo/misuse-flag.repository';
import { FlagFiguresView, FlagPage, FlagQueryDto, FlagView } from './dto/flag.dto';

const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);
const METHOD = `p < ${SIGNIFICANCE_LEVEL} in a one-sided exact binomial test of negative reviews among reports against their share among all reviews, with at least ${MIN_REPORTS_FOR_FLAG} reports`;

function figuresView(figures: EvaluatedFigures): FlagFiguresView {
  return {
    reports: figures.reports,
    negativeReports: figures.negativeReports,
    reportsNegativeShare: share(figures.negativeReports, figures.reports),
    reviews: figures.reviews,
    negativeReviews: figures.negativeReviews,
    reviewsNegativeShare: share(figures.negativeReviews, figures.reviews),
    pValue: figures.pValue,
    evaluatedAt: figures.evaluatedAt.toISOString(),
  };
}

export function toFlagView(flag: MisuseFlag): FlagView {
  return {
    id: flag.id,
    businessId: flag.businessId,
    status: flag.status,
    raisedAt: flag.raisedAt.toISOString(),
    ...(flag.clearedAt ? { clearedAt: flag.clearedAt.toISOString() } : {}),
    reportId: flag.reportId,
    raisedWith: figuresView(flag.raisedWith),
    latest: figuresView(flag.latest ?? flag.raisedWith),
    method: METHOD,
  };
}

@ApiTags('integrity')
@Controller('v1/integrity/flags')
export class IntegrityFlagsController {
  constructor(private readonly flags: MisuseFlagRepository) {}

  @Get()
  @Access({ roles: ['integrity'] })
  @ApiOperation({ summary: 'Businesses flagged for selective reporting (R6), newest first' })
  @ApiOkResponse({ type: FlagPage })
  @ApiBadRequestResponse({ description: '`validation_failed`: bad businessId, status, limit or cursor' })
  list(@Query() query: FlagQueryDto): Promise<FlagPage> {
    return pageOf(query, (limit, cursor) => this.flags.list({ businessId: query.businessId, status: query.status }, limit, cursor), (flag) => flag.raisedAt, (flags) => flags.map(toFlagView));
  }
}
