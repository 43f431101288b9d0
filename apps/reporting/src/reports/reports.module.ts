import { Module, OnModuleInit } from '@nestjs/common';
import { OutboxRelay } from '@feedback/service-kit';
import { FairnessModule } from '../fairness/fairness.module';
import { BusinessReportsController } from './adapters/http/business-reports.controller';
import { IntegrityReportsController } from './adapters/http/integrity-reports.controller';
import { REPORTS } from './adapters/mongo/report.schema';
import { ReportStoreModule } from './report-store.module';
import { ReportsService } from './reports.service';

/** Reporting a review (R1–R4) and the integrity team's decisions (R5). */
@Module({
  imports: [ReportStoreModule, FairnessModule],
  controllers: [BusinessReportsController, IntegrityReportsController],
  providers: [ReportsService],
  exports: [ReportsService],
})
export class ReportsModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    this.relay.watch(REPORTS);
  }
}
