import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@feedback/service-kit';
import { DisclosuresController } from './adapters/http/disclosures.controller';
import { DisclosureRetentionJob } from './adapters/jobs/disclosure-retention.job';
import { InformationDisclosedConsumer } from './adapters/kafka/information-disclosed.consumer';
import { DisclosureReadRepository } from './adapters/mongo/disclosure-read.repository';
import { DisclosureReadDocument, DisclosureReadSchema } from './adapters/mongo/disclosure-read.schema';
import { DisclosureRepository } from './adapters/mongo/disclosure.repository';
import { DISCLOSURES_COLLECTION, DisclosureDocument, DisclosureSchema } from './adapters/mongo/disclosure.schema';
import { BusinessRosterModule } from './business-roster.module';
import { DisclosureSettings } from './config';
import { DisclosuresService } from './disclosures.service';

/**
 * Shared details of information requests (I6, I7, R1 prerequisite): write-once
 * encrypted disclosures, audited reads, identification outcomes and the
 * retention purge. Who may use them comes from the business rosters.
 */
@Module({})
export class DisclosuresModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  static forRoot(settings: DisclosureSettings): DynamicModule {
    return {
      module: DisclosuresModule,
      imports: [
        BusinessRosterModule,
        MongooseModule.forFeature([
          { name: DisclosureDocument.name, schema: DisclosureSchema },
          { name: DisclosureReadDocument.name, schema: DisclosureReadSchema },
        ]),
      ],
      controllers: [DisclosuresController, InformationDisclosedConsumer],
      providers: [
        { provide: DisclosureSettings, useValue: settings },
        DisclosureRepository,
        DisclosureReadRepository,
        DisclosuresService,
        DisclosureRetentionJob,
      ],
    };
  }

  onModuleInit(): void {
    // Publishes IdentificationRecorded events a crash or a broker outage left in the outbox.
    this.relay.watch(DISCLOSURES_COLLECTION);
  }
}
