import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ReportRepository } from './adapters/mongo/report.repository';
import { REPORTS, reportSchema } from './adapters/mongo/report.schema';

/** The reports collection, shared by the report, documentation and fairness use cases. */
@Module({
  imports: [MongooseModule.forFeature([{ name: REPORTS, schema: reportSchema }])],
  providers: [ReportRepository],
  exports: [ReportRepository],
})
export class ReportStoreModule {}
