import { runService } from '@feedback/service-kit';
import { AppModule } from './app.module';
import { loadFeedbackStoreConfig, SERVICE } from './config';

void runService(SERVICE, () => {
  const config = loadFeedbackStoreConfig();
  return { module: AppModule.forRoot(config), port: config.PORT, description: 'Answers and shared details (immutable, encrypted), business reads, erasure and retention.' };
});
