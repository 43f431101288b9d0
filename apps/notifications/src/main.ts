import { runService } from '@feedback/service-kit';
import { AppModule } from './app.module';
import { loadNotificationsConfig, SERVICE } from './config';

void runService(SERVICE, () => {
  const config = loadNotificationsConfig();
  return {
    module: AppModule.forRoot(config),
    port: config.PORT,
    description: 'Contact directory, email rendering (handlebars, i18n), SMTP delivery and the delivery log.',
  };
});
