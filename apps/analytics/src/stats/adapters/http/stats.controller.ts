import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access } from '@feedback/auth';
import { DomainError } from '@feedback/http';
import type { StatsBody } from '../../../domain/stats.policy';
import { StatsService } from '../../stats.service';
import { StatsQueryDto } from './dto/stats-query.dto';
import { BusinessListView, StatsView } from './dto/stats-views.dto';
import { statsCsv } from './stats-csv';

const ID = /^[A-Za-z0-9._:-]{1,200}$/;
const statsDescription =
  'Buckets of the range and its totals. A group of fewer than k distinct people is published as `{"suppressed": true}` in place of each figure, and so is any figure from which a suppressed one could be recovered by subtraction (A2). Send `Accept: text/csv` for the same figures as CSV.';

/** Answers JSON or, when the caller asks for it, CSV (the same figures). */
function send(req: Request, res: Response, body: StatsBody): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Vary', 'Accept, Authorization');
  if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
    const name = `stats-${body.businessId ?? 'overview'}-${body.from}-${body.to}-${body.granularity}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
    res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.send(statsCsv(body));
    return;
  }
  res.status(200).json(body);
}

@ApiTags('stats')
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @Access({ roles: ['analyst'] })
  @ApiOperation({ summary: 'Anonymized figures over every business (analysts)', description: statsDescription })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: StatsView })
  @ApiBadRequestResponse({ description: '`validation_failed`: a date that is not YYYY-MM-DD or not a real day, `from` after `to`, an unknown granularity or a too long range' })
  async overview(@Query() query: StatsQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    send(req, res, await this.stats.overview(query));
  }

  @Get('businesses')
  @Access({ roles: ['analyst'] })
  @ApiOperation({ summary: 'The businesses analytics knows (for the dashboard\'s filter)' })
  @ApiOkResponse({ type: BusinessListView })
  async businesses(): Promise<BusinessListView> {
    return { items: await this.stats.listBusinesses() };
  }

  @Get('businesses/:businessId')
  @Access({ roles: ['analyst', 'business', 'processor'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'Anonymized figures of one business (analysts; that business\'s own users and processor)', description: statsDescription })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: StatsView })
  @ApiBadRequestResponse({ description: '`validation_failed`: a malformed business id, bad dates or range, an unknown granularity' })
  async business(@Param('businessId') businessId: string, @Query() query: StatsQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!ID.test(businessId)) {
      throw new DomainError(400, 'validation_failed', 'businessId is not a valid id', { fields: [{ field: 'businessId', problems: ['not a valid id'] }] });
    }
    send(req, res, await this.stats.business(businessId, query));
  }
}
