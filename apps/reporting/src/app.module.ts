import { DynamicModule, Module } from '@nestjs/common';
import { respondentLinkKey } from '@feedback/auth';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { SERVICE, type ReportingConfig } from './config';
import { DirectoryModule } from './directory/directory.module';
import { DocumentationModule } from './documentation/documentation.module';
import { FairnessModule } from './fairness/fairness.module';
import { ReportingSettings } from './reporting-settings';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class AppModule {
  static forRoot(config: ReportingConfig): DynamicModule {
    const settings: ReportingSettings = {
      documentationWindowMs: config.DOCUMENTATION_WINDOW,
      documentationMaxFileBytes: config.DOCUMENTATION_MAX_FILE_BYTES,
      sweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL,
      respondentLinkKey: respondentLinkKey(config.AUTH_JWT_SECRET, config.RESPONDENT_LINK_SECRET),
    };
    return {
      module: AppModule,
      global: true,
      imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config)), DirectoryModule, FairnessModule, ReportsModule, DocumentationModule],
      providers: [{ provide: ReportingSettings, useValue: settings }],
      exports: [ReportingSettings],
    };
  }
}
