import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { upstreamUsersTopic, type Envelope, type UserProfileUpdated } from '@feedback/contracts';
import { OnTopicBatch } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';
import { personProfile } from '../../domain/email.policy';
import { ContactRepository } from '../mongo/contact.repository';

const { UserProfileUpdated: PROFILE_UPDATED } = upstreamUsersTopic.events;

/**
 * Keeps the contact directory in step with upstream.users.v1, a batch at a
 * time: every person's profile changes arrive here, more of them than of any
 * topic the platform produces. A profile is written only over an older
 * version, so a redelivered event changes nothing; the batch's processed-event
 * records (one read and one write per batch) still say which events were handled.
 * Then the emails waiting for these people are made due.
 */
@Controller()
export class UserProfileConsumer {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly emails: EmailPipeline,
  ) {}

  @OnTopicBatch(upstreamUsersTopic, { types: [PROFILE_UPDATED.type] })
  async onUserEvents(@Payload() events: Envelope[]): Promise<void> {
    await this.contacts.saveManyIfNewer(
      events.map((event) => {
        const profile = event.data as UserProfileUpdated;
        return {
          userId: profile.userId,
          email: profile.email,
          preferredLanguage: profile.preferredLanguage,
          displayName: profile.displayName,
          asOf: new Date(event.occurredAt),
          sourceEventId: event.id,
        };
      }),
    );
    await this.emails.releaseWaitingFor(events.map((event) => personProfile((event.data as UserProfileUpdated).userId)));
  }
}
