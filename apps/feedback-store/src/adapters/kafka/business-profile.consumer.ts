import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { upstreamBusinessesTopic, type BusinessProfileUpdated, type Envelope } from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { BusinessRosterRepository } from '../mongo/business-roster.repository';

/** Keeps each business's users and roles in step with upstream.businesses.v1 (ids and roles only). */
@Controller()
export class BusinessProfileConsumer {
  constructor(private readonly rosters: BusinessRosterRepository) {}

  @OnTopic(upstreamBusinessesTopic)
  async onBusinessEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamBusinessesTopic.events.BusinessProfileUpdated.type) return;
    const profile = event.data as BusinessProfileUpdated;
    await this.rosters.saveIfNewer({
      businessId: profile.businessId,
      users: profile.users.map((user) => ({ userId: user.userId, role: user.role })),
      asOf: new Date(event.occurredAt),
      sourceEventId: event.id,
    });
  }
}
