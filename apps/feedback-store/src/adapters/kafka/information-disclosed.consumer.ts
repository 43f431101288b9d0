import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { infoDisclosuresTopic, type Envelope, type InformationDisclosed } from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { DisclosuresService } from '../../disclosures.service';

/** Stores the values reviewers shared (info.disclosures.v1), write-once and still sealed. */
@Controller()
export class InformationDisclosedConsumer {
  constructor(private readonly disclosures: DisclosuresService) {}

  @OnTopic(infoDisclosuresTopic)
  async onDisclosure(@Payload() event: Envelope): Promise<void> {
    if (event.type !== infoDisclosuresTopic.events.InformationDisclosed.type) return;
    await this.disclosures.store(event.data as InformationDisclosed, { eventId: event.id, correlationId: event.correlationId });
  }
}
