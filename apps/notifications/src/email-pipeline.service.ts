import { Injectable, Logger } from '@nestjs/common';
import { signRespondentLink, type LinkPurpose } from '@feedback/auth';
import { notificationsTopic, type Envelope, type TopicDefinition } from '@feedback/contracts';
import { resolveLanguage } from '@feedback/i18n';
import { classifyFailure, EventPublisher, TransientEventError } from '@feedback/messaging';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import { EmailRenderer } from './adapters/mail/email.renderer';
import { MailSender, type OutgoingEmail } from './adapters/mail/mail.sender';
import { BusinessRepository, businessUserKey, type BusinessProfile } from './adapters/mongo/business.repository';
import { ContactRepository } from './adapters/mongo/contact.repository';
import type { BusinessUserEntry } from './domain/business.types';
import type { Contact } from './domain/contact.types';
import { DELIVERIES, DeliveryRepository, type DeliveryConclusion, type DeliveryDraft, type DeliveryState, type ParkedEmail } from './adapters/mongo/delivery.repository';
import { attemptDelivery, deliveryEventId, profileWait } from './domain/delivery.policy';
import { FINAL_STATUSES, type DeliveryResult } from './domain/delivery.types';
import { awaitedProfiles, checkDeliverable, planEmails } from './domain/email.policy';
import type { EmailIntent, LinkRequest, Recipient } from './domain/email.types';

/** Where respondent links point and the key that signs them (from the validated config). */
export abstract class LinkSettings {
  abstract readonly publicBaseUrl: string;
  abstract readonly documentationBaseUrl: string;
  abstract readonly linkKey: string;
}

/** How long an email waits for a profile that is not known yet (EMAIL_PROFILE_WAIT). */
export abstract class WaitingSettings {
  abstract readonly maxWaitMs: number;
}

/** The page each kind of respondent link opens. */
const LINK_PAGES: Record<LinkPurpose, { base: keyof Omit<LinkSettings, 'linkKey'>; path: string }> = {
  'information-request': { base: 'publicBaseUrl', path: 'respond' },
  'feedback-request': { base: 'publicBaseUrl', path: 'respond' },
  documentation: { base: 'documentationBaseUrl', path: 'documentation' },
};

/** Emails sent at once: a little above the SMTP pool's connections, so no connection waits for the next email. */
const EMAIL_CONCURRENCY = 8;

/** The directories' entries a batch of emails names, read once for all of them (see lookUpProfiles). */
interface Profiles {
  contacts: Map<string, Contact>;
  businesses: Map<string, BusinessProfile>;
  /** Business users who receive emails (businessUserKey), with their addresses. */
  businessUsers: Map<string, BusinessUserEntry | Error>;
}

/** Read once per batch of emails (see prefetch). */
interface Prefetched extends Profiles {
  states: Map<string, DeliveryState>;
}

/** What the pipeline does with one email of a batch. */
type EmailPlan =
  | { kind: 'published-before'; notificationId: string; outboxPending: boolean }
  | { kind: 'park'; email: ParkedEmail }
  | { kind: 'conclude'; draft: DeliveryDraft; result: DeliveryResult }
  | { kind: 'send'; draft: DeliveryDraft; email: OutgoingEmail; attemptsBefore: number; recorded: boolean };

interface ResolvedRecipient {
  email: string;
  preferredLanguage: string;
  name?: string;
}

/**
 * The email pipeline, the same for every kind: plan (which emails an event
 * calls for) → look up recipient and business → resolve the language → render
 * → claim the delivery record → send with bounded retries → record the outcome
 * with its EmailSent/EmailFailed event (outbox). A redelivered event finds its
 * delivery record final and sends nothing.
 */
@Injectable()
export class EmailPipeline {
  private readonly log = new Logger('EmailPipeline');
  /**
   * Emails the server accepted whose outcome could not be stored yet (the store
   * failed right after the send). When the handler is retried, they are recorded
   * without being sent a second time.
   */
  private readonly sentNotRecorded = new Map<string, DeliveryResult>();

  constructor(
    private readonly contacts: ContactRepository,
    private readonly businesses: BusinessRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly renderer: EmailRenderer,
    private readonly sender: MailSender,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly links: LinkSettings,
    private readonly waiting: WaitingSettings,
  ) {}

  /** Sends every email `event` calls for; resolves once their outcomes are stored. */
  handle(topic: TopicDefinition, event: Envelope): Promise<void> {
    return this.handleMany(topic, [event]);
  }

  /**
   * Sends every email a batch of events calls for. Resolves once every outcome
   * is stored. When some fail, the batch fails as a whole: transient if any
   * failure was (the mail server or the store is down: the consumer retries the
   * batch and the emails already final are not sent again), otherwise with the
   * first error.
   */
  async handleMany(topic: TopicDefinition, events: readonly Envelope[]): Promise<void> {
    await this.deliverAll(events.flatMap((event) => planEmails(topic.name, event)));
  }

  /**
   * A batch's emails in phases, each a single write for all of them: decide
   * (and render) each email, claim the ones to send, send them EMAIL_CONCURRENCY
   * at a time over the SMTP pool, record every outcome with its event, publish
   * the events, park the ones that wait for a profile. The store sees a handful
   * of round trips per batch, not two per email.
   */
  private async deliverAll(intents: readonly EmailIntent[], now = new Date()): Promise<void> {
    if (intents.length === 0) return;
    const known = await this.prefetch(intents);
    const failures: unknown[] = [];
    const plans: EmailPlan[] = [];
    await Promise.all(intents.map((intent) => this.plan(intent, now, known).then((plan) => void plans.push(plan), (error: unknown) => void failures.push(error))));

    const toClaim = plans.flatMap((p) => (p.kind === 'send' && !this.sentNotRecorded.has(p.draft.notificationId) ? [p] : []));
    // The claim counts the first attempt; each retry is counted before it is made.
    const claimed = await this.deliveries.claimMany(toClaim.map((p) => ({ draft: p.draft, attempts: p.attemptsBefore + 1, recorded: p.recorded })), now).catch((error: unknown) => {
      failures.push(error);
      return new Set<string>();
    });
    const outcomes: DeliveryConclusion[] = plans.flatMap((p) => (p.kind === 'conclude' ? [this.conclusion(p.draft, p.result)] : []));
    const toSend = plans.flatMap((p) => (p.kind === 'send' && (claimed.has(p.draft.notificationId) || this.sentNotRecorded.has(p.draft.notificationId)) ? [p] : []));
    let next = 0;
    const sender = async () => {
      while (next < toSend.length) {
        const email = toSend[next++]!;
        await this.send(email).then((result) => void outcomes.push(this.conclusion(email.draft, result)), (error: unknown) => void failures.push(error));
      }
    };
    await Promise.all(Array.from({ length: Math.min(EMAIL_CONCURRENCY, toSend.length) }, sender));

    const toPublish = plans.flatMap((p) => (p.kind === 'published-before' && p.outboxPending ? [p.notificationId] : []));
    if (outcomes.length > 0) {
      try {
        const recorded = await this.deliveries.concludeMany(outcomes, new Date());
        const sentByKind = new Map<string, number>();
        for (const { draft, result } of outcomes) {
          this.sentNotRecorded.delete(draft.notificationId);
          if (!recorded.has(draft.notificationId)) continue;
          toPublish.push(draft.notificationId);
          const line = `email ${draft.notificationId} [${draft.kind}, ${draft.language}]`;
          if (!result.sent) this.log.warn(`${line} failed (${result.reason}) after ${result.attempts} attempt(s)`);
          else {
            sentByKind.set(draft.kind, (sentByKind.get(draft.kind) ?? 0) + 1);
            this.log.debug(`${line} sent after ${result.attempts} attempt(s)`);
          }
        }
        // One line per batch for what went well (the delivery log keeps each email); a line per failure.
        if (sentByKind.size > 0) this.log.log(`sent ${[...sentByKind].map(([kind, count]) => `${count} ${kind}`).join(', ')} email(s)`);
      } catch (error) {
        failures.push(error);
      }
    }
    await Promise.all(toPublish.map((id) => this.relay.flush(DELIVERIES, id).catch((error: unknown) => void failures.push(error))));
    // A flood of emails to people not known yet (as after an upstream outage) stays cheap: one write.
    const parked = plans.flatMap((p) => (p.kind === 'park' ? [p.email] : []));
    await this.deliveries
      .parkMany(parked, now)
      .then(() => this.releaseArrived(parked))
      .catch((error: unknown) => void failures.push(error));
    if (failures.length > 0) throw failures.find((f) => classifyFailure(f) === 'transient') ?? failures[0];
  }

  /**
   * What a batch's emails need to know, read once for all of them: their
   * delivery states, the recipients (people's contacts, business users) and
   * the businesses they name (a batch of requests names many businesses: one
   * read each was most of the service's round trips to the store).
   */
  private async prefetch(intents: readonly EmailIntent[]): Promise<Prefetched> {
    const [states, profiles] = await Promise.all([this.deliveries.findStates(intents.map((i) => i.notificationId)), this.lookUpProfiles(intents)]);
    return { states, ...profiles };
  }

  private async lookUpProfiles(intents: readonly EmailIntent[]): Promise<Profiles> {
    const people = [...new Set(intents.flatMap((i) => (i.recipient.directory === 'people' ? [i.recipient.userId] : [])))];
    const businessUsers = intents.flatMap((i) => (i.recipient.directory === 'business-users' ? [i.recipient] : []));
    const businessIds = [...new Set(intents.map((i) => i.businessId))];
    const [contacts, businesses, users] = await Promise.all([
      this.contacts.findByUserIds(people),
      this.businesses.findProfiles(businessIds),
      this.businesses.findUsers(businessUsers),
    ]);
    return { contacts, businesses, businessUsers: users };
  }

  /**
   * Closes the gap between reading the directories and parking: a profile
   * written meanwhile released nothing (the email was not parked yet), so the
   * directories are read again now that it is, and the emails they can now
   * deliver are made due. Either this read or the directory's release (see
   * releaseWaitingFor) comes after both writes, so no email waits for a profile
   * that has arrived.
   */
  private async releaseArrived(parked: readonly ParkedEmail[]): Promise<void> {
    if (parked.length === 0) return;
    const profiles = await this.lookUpProfiles(parked.map((p) => p.intent));
    const arrived = parked.filter(({ intent }) => {
      const known = this.partiesKnown(intent, profiles);
      return known.recipient && known.business;
    });
    await this.deliveries.releaseParked(arrived.map((p) => p.draft.notificationId));
  }

  /**
   * Makes the emails waiting for any of these profiles due at once (the
   * directories' consumers call it after storing them; see awaitedProfiles for
   * the keys). The profiles of a redelivered event release again: storing them
   * may have been done before the release failed.
   */
  async releaseWaitingFor(profiles: readonly string[]): Promise<void> {
    const released = await this.deliveries.releaseAwaiting(profiles);
    if (released > 0) this.log.log(`${released} waiting email(s) due now that their profile arrived`);
  }

  /** What to do with one email: nothing (final already), park it, record a failure, or render it to send. */
  private async plan(intent: EmailIntent, now: Date, known: Prefetched): Promise<EmailPlan> {
    const state = known.states.get(intent.notificationId);
    // Already sent or failed: a redelivery. Only make sure its event got out.
    if (state && (FINAL_STATUSES as readonly string[]).includes(state.status)) return { kind: 'published-before', notificationId: intent.notificationId, outboxPending: state.outboxPending };

    const recipient = this.findRecipient(intent.recipient, known);
    const business = known.businesses.get(intent.businessId);
    const parties = { recipient: !!recipient, business: !!business };
    const language = resolveLanguage(recipient?.preferredLanguage);
    const draft: DeliveryDraft = {
      notificationId: intent.notificationId,
      kind: intent.kind,
      userId: intent.recipient.userId,
      businessId: intent.businessId,
      language,
      trigger: intent.trigger,
      recipient: recipient?.email,
    };
    const check = checkDeliverable(intent, parties, now);
    if (!check.ok) {
      if (check.reason !== 'link expired before delivery') {
        const wait = profileWait(state?.waitingSince, now, this.waiting.maxWaitMs);
        if (wait.wait) return { kind: 'park', email: { draft, intent, wait, awaiting: awaitedProfiles(intent, parties), recorded: state !== undefined } };
      }
      return { kind: 'conclude', draft, result: { sent: false, attempts: 1, reason: check.reason } };
    }

    const rendered = this.renderer.render({
      kind: intent.kind,
      language,
      facts: intent.facts,
      business: toBusinessView(business!),
      recipientName: recipient!.name || undefined,
      link: intent.link && this.linkFor(intent.link, language),
    });
    const email = { ...rendered, to: recipient!.email, notificationId: intent.notificationId, kind: intent.kind };
    return { kind: 'send', draft, email, attemptsBefore: state?.attempts ?? 0, recorded: state !== undefined };
  }

  /** Sends a claimed email with bounded retries (or takes the result of a send whose outcome was not stored yet). */
  private async send({ draft, email, attemptsBefore }: Extract<EmailPlan, { kind: 'send' }>): Promise<DeliveryResult> {
    const earlier = this.sentNotRecorded.get(draft.notificationId);
    if (earlier) return earlier;
    const run = await attemptDelivery(() => this.sender.send(email), sleep, {
      onAttempt: async (attempt) => {
        if (attempt > 1) await this.deliveries.recordAttempt(draft.notificationId, attemptsBefore + attempt);
      },
    });
    const result = { ...run, attempts: attemptsBefore + run.attempts };
    // A mail server that is down says nothing about this email: keep it pending and let
    // the consumer retry without limit (with backoff), rather than give the email up.
    if (!result.sent && result.unreachable) throw new TransientEventError(`mail server unreachable: ${result.reason}`);
    if (result.sent) this.sentNotRecorded.set(draft.notificationId, result);
    return result;
  }

  /**
   * Tries again the waiting emails that are due (the job calls this every
   * second): the ones a profile's arrival released, then the ones whose wait
   * ran out (recorded failed). Each is leased to this instance while it is tried.
   */
  async retryWaiting(now = new Date()): Promise<number> {
    const intents = await this.deliveries.takeDueWaiting(now, 100, 60_000);
    await this.deliverAll(intents, now);
    return intents.length;
  }

  /** The outcome to record, with the EmailSent or EmailFailed event that announces it. */
  private conclusion(draft: DeliveryDraft, result: DeliveryResult): DeliveryConclusion {
    const at = new Date();
    const base = { notificationId: draft.notificationId, kind: draft.kind, userId: draft.userId, language: draft.language, attempts: result.attempts };
    const options = { correlationId: draft.trigger.correlationId, occurredAt: at };
    const event = result.sent
      ? this.publisher.build(notificationsTopic, 'EmailSent', { ...base, sentAt: at.toISOString() }, { ...options, id: deliveryEventId(draft.notificationId, 'EmailSent') })
      : this.publisher.build(notificationsTopic, 'EmailFailed', { ...base, reason: result.reason, failedAt: at.toISOString() }, { ...options, id: deliveryEventId(draft.notificationId, 'EmailFailed') });
    return { draft, result, event: outboxEntry(notificationsTopic, event) };
  }

  private partiesKnown(intent: EmailIntent, profiles: Profiles): { recipient: boolean; business: boolean } {
    return { recipient: !!this.findRecipient(intent.recipient, profiles), business: profiles.businesses.has(intent.businessId) };
  }

  private findRecipient(recipient: Recipient, known: Profiles): ResolvedRecipient | undefined {
    if (recipient.directory === 'people') {
      const contact = known.contacts.get(recipient.userId);
      return contact && { email: contact.email, preferredLanguage: contact.preferredLanguage, name: contact.displayName };
    }
    const user = known.businessUsers.get(businessUserKey(recipient.businessId, recipient.userId));
    if (user instanceof Error) throw user;
    return user && { email: user.email, preferredLanguage: user.preferredLanguage };
  }

  private linkFor(link: LinkRequest, language: string): string {
    const page = LINK_PAGES[link.purpose];
    const token = signRespondentLink({ purpose: link.purpose, subjectId: link.subjectId, language }, this.links.linkKey, new Date(link.expiresAt));
    return `${this.links[page.base].replace(/\/+$/, '')}/${page.path}/${token}`;
  }
}

function toBusinessView(business: BusinessProfile) {
  return { name: business.name, privacyPolicyUrl: business.privacyPolicyUrl, referenceNumberLabel: business.referenceNumberLabel };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
