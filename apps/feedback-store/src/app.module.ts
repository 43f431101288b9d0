import { DynamicModule, Module } from '@nestjs/common';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { SERVICE, type FeedbackStoreConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: FeedbackStoreConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config))] };
  }
}
