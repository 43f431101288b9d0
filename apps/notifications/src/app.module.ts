import { DynamicModule, Module } from '@nestjs/common';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { BusinessesModule } from './businesses.module';
import { SERVICE, type NotificationsConfig } from './config';
import { ContactsModule } from './contacts.module';
import { EmailsModule } from './emails.module';

@Module({})
export class AppModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config)), ContactsModule, BusinessesModule, EmailsModule.forRoot(config)] };
  }
}
