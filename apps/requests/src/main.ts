import { runService } from '@feedback/service-kit';
import { AppModule } from './app.module';
import { loadRequestsConfig, SERVICE } from './config';

void runService(SERVICE, () => {
  const config = loadRequestsConfig();
  return { module: AppModule.forRoot(config), port: config.PORT, description: 'Feedback requests, information requests, respondent forms and expiry.' };
});
