import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { reportsTopic, type Envelope } from '@feedback/contracts';
import { OnTopicBatch } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';
import { emailTriggerTypes } from '../../domain/email.policy';

/** Review reports become emails: the reviewer's documentation request (R3) and the decision to the reporter (R5). */
@Controller()
export class ReportConsumer {
  constructor(private readonly emails: EmailPipeline) {}

  @OnTopicBatch(reportsTopic, { types: emailTriggerTypes(reportsTopic.name) })
  async onReportEvents(@Payload() events: Envelope[]): Promise<void> {
    await this.emails.handleMany(reportsTopic, events);
  }
}
