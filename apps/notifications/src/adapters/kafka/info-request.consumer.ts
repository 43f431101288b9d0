import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { infoRequestsTopic, type Envelope } from '@feedback/contracts';
import { OnTopicBatch } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';
import { emailTriggerTypes } from '../../domain/email.policy';

/** Information requests and their outcomes become emails (I3, I6, I8). */
@Controller()
export class InfoRequestConsumer {
  constructor(private readonly emails: EmailPipeline) {}

  @OnTopicBatch(infoRequestsTopic, { types: emailTriggerTypes(infoRequestsTopic.name) })
  async onInfoRequestEvents(@Payload() events: Envelope[]): Promise<void> {
    await this.emails.handleMany(infoRequestsTopic, events);
  }
}
