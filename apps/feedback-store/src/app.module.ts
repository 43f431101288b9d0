import { DynamicModule, Module } from '@nestjs/common';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { disclosureSettings, SERVICE, type FeedbackStoreConfig } from './config';
import { DisclosuresModule } from './disclosures.module';
import { FeedbackAnswersModule } from './feedback-answers.module';

@Module({})
export class AppModule {
  static forRoot(config: FeedbackStoreConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config)), DisclosuresModule.forRoot(disclosureSettings(config)), FeedbackAnswersModule] };
  }
}
