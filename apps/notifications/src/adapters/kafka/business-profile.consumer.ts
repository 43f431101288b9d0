import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { upstreamBusinessesTopic, type BusinessProfileUpdated, type Envelope } from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';
import { businessProfile } from '../../domain/email.policy';
import { BusinessRepository } from '../mongo/business.repository';

/** Keeps the business directory in step with upstream.businesses.v1, then makes the emails waiting for the business (or one of its users) due. */
@Controller()
export class BusinessProfileConsumer {
  constructor(
    private readonly businesses: BusinessRepository,
    private readonly emails: EmailPipeline,
  ) {}

  @OnTopic(upstreamBusinessesTopic)
  async onBusinessEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamBusinessesTopic.events.BusinessProfileUpdated.type) return;
    const profile = event.data as BusinessProfileUpdated;
    await this.businesses.saveIfNewer({
      businessId: profile.businessId,
      name: profile.name,
      privacyPolicyUrl: profile.privacyPolicyUrl,
      referenceNumberLabel: profile.referenceNumberLabel,
      users: profile.users,
      asOf: new Date(event.occurredAt),
      sourceEventId: event.id,
    });
    await this.emails.releaseWaitingFor([businessProfile(profile.businessId)]);
  }
}
