import { DynamicModule, Module } from '@nestjs/common';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { SERVICE, type NotificationsConfig } from './config';
import { ContactsModule } from './contacts.module';

@Module({})
export class AppModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config)), ContactsModule] };
  }
}
