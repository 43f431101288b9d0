import { runService } from '@feedback/service-kit';
import { AppModule } from './app.module';
import { loadReportingConfig, SERVICE } from './config';

void runService(SERVICE, () => {
  const config = loadReportingConfig();
  return { module: AppModule.forRoot(config), port: config.PORT, description: 'Review reports, reviewer documentation, integrity decisions and the fairness monitor.' };
});
