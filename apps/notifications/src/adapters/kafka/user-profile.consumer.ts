import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { upstreamUsersTopic, type Envelope, type UserProfileUpdated } from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { ContactRepository } from '../mongo/contact.repository';

/** Keeps the contact directory in step with upstream.users.v1. */
@Controller()
export class UserProfileConsumer {
  constructor(private readonly contacts: ContactRepository) {}

  @OnTopic(upstreamUsersTopic)
  async onUserEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamUsersTopic.events.UserProfileUpdated.type) return;
    const profile = event.data as UserProfileUpdated;
    await this.contacts.saveIfNewer({
      userId: profile.userId,
      email: profile.email,
      preferredLanguage: profile.preferredLanguage,
      displayName: profile.displayName,
      asOf: new Date(event.occurredAt),
      sourceEventId: event.id,
    });
  }
}
