import { DynamicModule, Module } from '@nestjs/common';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { SERVICE, type ReportingConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: ReportingConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config))] };
  }
}
