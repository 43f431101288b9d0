import { runService } from '@feedback/service-kit';
import { AppModule } from './app.module';
import { loadAnalyticsConfig, SERVICE } from './config';

void runService(SERVICE, () => {
  const config = loadAnalyticsConfig();
  return { module: AppModule.forRoot(config), port: config.PORT, description: 'Anonymized aggregates and the analyst dashboard.' };
});
