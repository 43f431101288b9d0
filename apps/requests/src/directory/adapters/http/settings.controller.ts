import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@feedback/auth';
import type { BusinessSettings } from '../../../domain/directory.types';
import { referenceNumberLabel } from '../../../domain/business-access.policy';
import { BusinessAdminGuard } from './business-admin.guard';
import { DirectoryRepository } from '../mongo/directory.repository';
import { SettingsView, UpdateSettingsDto } from './dto/settings.dto';

const DEFAULT_FEEDBACK_WINDOW_DAYS = 7;

function toView(settings: BusinessSettings, profileLabel: string | undefined, defaultWindowDays: number): SettingsView {
  return {
    referenceNumberLabel: referenceNumberLabel(settings.referenceNumberLabel, profileLabel),
    feedbackWindowDays: settings.feedbackWindowDays ?? defaultWindowDays,
    sharePrompt: settings.sharePrompt ?? { enabled: false },
  };
}

@ApiTags('settings')
@Controller('v1/businesses/:businessId/settings')
export class SettingsController {
  constructor(private readonly directory: DirectoryRepository) {}

  @Get()
  @Access({ roles: ['business'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'The business\'s request settings' })
  @ApiOkResponse({ type: SettingsView })
  async get(@Param('businessId') businessId: string): Promise<SettingsView> {
    const [settings, business] = await Promise.all([this.directory.findSettings(businessId), this.directory.findBusiness(businessId)]);
    return toView(settings, business?.referenceNumberLabel, DEFAULT_FEEDBACK_WINDOW_DAYS);
  }

  @Put()
  @Access({ roles: ['business'], tenantParam: 'businessId' })
  @ApiOperation({ summary: 'Change the reference-number label (I4), feedback window (F5) and share prompt (F9); admins only' })
  @ApiOkResponse({ type: SettingsView })
  @ApiBadRequestResponse({ description: '`validation_failed` with the failing fields' })
  @ApiForbiddenResponse({ description: '`forbidden`: not an admin of this business (per its latest profile)' })
  @UseGuards(BusinessAdminGuard)
  async update(@Param('businessId') businessId: string, @Body() body: UpdateSettingsDto, @CurrentPrincipal() principal: Principal): Promise<SettingsView> {
    const business = await this.directory.findBusiness(businessId);
    const saved = await this.directory.updateSettings(
      businessId,
      { referenceNumberLabel: body.referenceNumberLabel, feedbackWindowDays: body.feedbackWindowDays, sharePrompt: body.sharePrompt && { ...body.sharePrompt } },
      principal.sub,
    );
    return toView(saved, business?.referenceNumberLabel, DEFAULT_FEEDBACK_WINDOW_DAYS);
  }
}
