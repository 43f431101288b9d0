import { DynamicModule, Module } from '@nestjs/common';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { SERVICE, type RequestsConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: RequestsConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config))] };
  }
}
