import { DynamicModule, Module } from '@nestjs/common';
import { respondentLinkKey } from '@feedback/auth';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { SERVICE, type RequestsConfig } from './config';
import { DirectoryModule } from './directory/directory.module';
import { ExpiryModule } from './expiry/expiry.module';
import { FeedbackRequestsModule } from './feedback-requests/feedback-requests.module';
import { InformationRequestsModule } from './information-requests/information-requests.module';
import { RequestsSettings } from './requests-settings';
import { RespondModule } from './respond/respond.module';

@Module({})
export class AppModule {
  static forRoot(config: RequestsConfig): DynamicModule {
    const settings: RequestsSettings = {
      informationRequestWindowMs: config.INFO_REQUEST_WINDOW,
      feedbackRequestWindowMs: config.FEEDBACK_REQUEST_WINDOW,
      expirySweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL,
      recipientLimits: { perBusiness: config.FEEDBACK_RECIPIENT_LIMIT_PER_BUSINESS, platform: config.FEEDBACK_RECIPIENT_LIMIT_PLATFORM },
      respondentLinkKey: respondentLinkKey(config.AUTH_JWT_SECRET, config.RESPONDENT_LINK_SECRET),
    };
    return {
      module: AppModule,
      global: true,
      imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config)), DirectoryModule, InformationRequestsModule, FeedbackRequestsModule, RespondModule, ExpiryModule],
      providers: [{ provide: RequestsSettings, useValue: settings }],
      exports: [RequestsSettings],
    };
  }
}
