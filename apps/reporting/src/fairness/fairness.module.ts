import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@feedback/service-kit';
import { ReportStoreModule } from '../reports/report-store.module';
import { IntegrityFlagsController } from './adapters/http/integrity-flags.controller';
import { MisuseFlagRepository } from './adapters/mongo/misuse-flag.repository';
import { MISUSE_FLAGS, misuseFlagSchema } from './adapters/mongo/misuse-flag.schema';
import { FairnessService } from './fairness.service';
import { FairnessSweeper } from './fairness.sweeper';

/** The fairness monitor: flags, their events and the integrity team's view of them (R6, R7). */
@Module({
  imports: [MongooseModule.forFeature([{ name: MISUSE_FLAGS, schema: misuseFlagSchema }]), ReportStoreModule],
  controllers: [IntegrityFlagsController],
  providers: [MisuseFlagRepository, FairnessService, FairnessSweeper],
  exports: [FairnessService],
})
export class FairnessModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    this.relay.watch(MISUSE_FLAGS);
  }
}
