import { randomUUID } from 'node:crypto';
import { envelope, eventually, publish, withDatabase } from './stack';

/**
 * Profiles and requests travel on different topics, so a test waits until
 * notifications knows a profile before it triggers an email to that person
 * (otherwise the email is, correctly, recorded as undeliverable).
 */
async function knownTo(collection: 'contacts' | 'businesses', id: string): Promise<void> {
  await eventually(`notifications to know ${id}`, () =>
    withDatabase('notifications', async (db) => ((await db.collection(collection).countDocuments({ _id: id as never })) > 0 ? true : undefined)),
  );
}

/** Upstream facts, published as the upstream systems would. Every id is unique per call. */
export interface BusinessFixture {
  businessId: string;
  admin: { userId: string; email: string; language: string };
  member: { userId: string; email: string; language: string };
}

export async function publishBusiness(options: { name?: string; referenceNumberLabel?: string; privacyPolicyUrl?: string | null; adminLanguage?: string } = {}): Promise<BusinessFixture> {
  const businessId = `b-${randomUUID()}`;
  const fixture: BusinessFixture = {
    businessId,
    admin: { userId: `admin-${randomUUID()}`, email: `admin.${randomUUID()}@shop.example`, language: options.adminLanguage ?? 'en' },
    member: { userId: `member-${randomUUID()}`, email: `member.${randomUUID()}@shop.example`, language: 'en' },
  };
  const data: Record<string, unknown> = {
    businessId,
    name: options.name ?? 'Bakkerij Test',
    users: [
      { userId: fixture.admin.userId, email: fixture.admin.email, preferredLanguage: fixture.admin.language, role: 'admin' },
      { userId: fixture.member.userId, email: fixture.member.email, preferredLanguage: fixture.member.language, role: 'member' },
    ],
  };
  if (options.privacyPolicyUrl !== null) data.privacyPolicyUrl = options.privacyPolicyUrl ?? 'https://shop.example/privacy';
  if (options.referenceNumberLabel) data.referenceNumberLabel = options.referenceNumberLabel;
  await publish('upstream.businesses.v1', [{ key: businessId, value: JSON.stringify(envelope('BusinessProfileUpdated', data)) }]);
  await knownTo('businesses', businessId);
  return fixture;
}

export async function publishUser(language: string, email = `person.${randomUUID()}@mail.example`): Promise<{ userId: string; email: string }> {
  const userId = `user-${randomUUID()}`;
  await publish('upstream.users.v1', [
    { key: userId, value: JSON.stringify(envelope('UserProfileUpdated', { userId, email, preferredLanguage: language, displayName: 'Test Reviewer' })) },
  ]);
  await knownTo('contacts', userId);
  return { userId, email };
}

export async function publishReview(businessId: string, reviewerId: string, options: { rating?: number; source?: 'organic' | 'invited'; publishedAt?: string } = {}): Promise<string> {
  const reviewId = `rev-${randomUUID()}`;
  await publish('upstream.reviews.v1', [
    {
      key: reviewId,
      value: JSON.stringify(
        envelope('ReviewPublished', {
          reviewId,
          businessId,
          reviewerId,
          rating: options.rating ?? 2,
          source: options.source ?? 'organic',
          language: 'en',
          publishedAt: options.publishedAt ?? new Date().toISOString(),
        }),
      ),
    },
  ]);
  return reviewId;
}

/** A private conversation between a business and a person (F1). */
export async function publishConversation(businessId: string, userId: string, representativeIds: string[] = []): Promise<string> {
  const conversationId = `conv-${randomUUID()}`;
  await publish('upstream.conversations.v1', [
    {
      key: conversationId,
      value: JSON.stringify(envelope('ConversationInteraction', { conversationId, businessId, userId, representativeIds, occurredAt: new Date().toISOString() })),
    },
  ]);
  return conversationId;
}
