import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@feedback/service-kit';
import { BusinessAccessGuard } from './adapters/http/business-access.guard';
import { DisclosuresController } from './adapters/http/disclosures.controller';
import { DisclosureRetentionJob } from './adapters/jobs/disclosure-retention.job';
import { BusinessProfileConsumer } from './adapters/kafka/business-profile.consumer';
import { InformationDisclosedConsumer } from './adapters/kafka/information-disclosed.consumer';
import { BusinessRosterRepository } from './adapters/mongo/business-roster.repository';
import { BusinessRosterDocument, BusinessRosterSchema } from './adapters/mongo/business-roster.schema';
import { DisclosureReadRepository } from './adapters/mongo/disclosure-read.repository';
import { DisclosureReadDocument, DisclosureReadSchema } from './adapters/mongo/disclosure-read.schema';
import { DisclosureRepository } from './adapters/mongo/disclosure.repository';
import { DISCLOSURES_COLLECTION, DisclosureDocument, DisclosureSchema } from './adapters/mongo/disclosure.schema';
import { DisclosureSettings } from './config';
import { DisclosuresService } from './disclosures.service';

/**
 * Shared details of information requests (I6, I7, R1 prerequisite): business
 * rosters, write-once encrypted disclosures, audited reads, identification
 * outcomes and the retention purge.
 */
@Module({})
export class DisclosuresModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  static forRoot(settings: DisclosureSettings): DynamicModule {
    return {
      module: DisclosuresModule,
      imports: [
        MongooseModule.forFeature([
          { name: BusinessRosterDocument.name, schema: BusinessRosterSchema },
          { name: DisclosureDocument.name, schema: DisclosureSchema },
          { name: DisclosureReadDocument.name, schema: DisclosureReadSchema },
        ]),
      ],
      controllers: [DisclosuresController, BusinessProfileConsumer, InformationDisclosedConsumer],
      providers: [
        { provide: DisclosureSettings, useValue: settings },
        BusinessRosterRepository,
        DisclosureRepository,
        DisclosureReadRepository,
        DisclosuresService,
        BusinessAccessGuard,
        DisclosureRetentionJob,
      ],
    };
  }

  onModuleInit(): void {
    // Publishes IdentificationRecorded events a crash or a broker outage left in the outbox.
    this.relay.watch(DISCLOSURES_COLLECTION);
  }
}
