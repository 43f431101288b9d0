import { randomUUID } from 'node:crypto';
import type { ServiceName } from '../../tools/stack/stack.ts';
import { committedOffsets, envelope, eventually, mailCountsByRecipient, profile, publish, publishBusiness, readAll, startExtraInstance, withDatabase, type ExtraInstance } from '../src/support';
import { answerData, informationRequestedData } from './events';
import { counter, groupLag, startGroupAtEnd, subscribedTopics } from './consumer-groups';
import { pidListeningOn } from './processes';

const ANSWERS = Number(process.env.FAULT_SHUTDOWN_ANSWERS ?? 2400);
const REVIEWS = Number(process.env.FAULT_SHUTDOWN_REVIEWS ?? 1500);
const EMAILS = Number(process.env.FAULT_SHUTDOWN_EMAILS ?? 200);
/** What an orchestrator gives a process between SIGTERM and SIGKILL (Kubernetes' default). */
const GRACE_MS = 30_000;
/** The instance under test listens this far above its service's port (scale-out uses +70, the e2e suite +60). */
const PORT_SHIFT = 71;
const BATCH = 250;

interface StreamEvent {
  key: string;
  value: string;
  eventId: string;
}

function streamEvent(key: string, type: string, data: Record<string, unknown>, source = 'requests'): StreamEvent {
  const event = envelope(type, data, { source });
  return { key, value: JSON.stringify(event), eventId: event.id };
}

/** A stream of ANSWERS answers to one business, requested an hour ago. */
function answerStream(businessId: string): StreamEvent[] {
  const requestedAt = new Date(Date.now() - 3_600_000).toISOString();
  return Array.from({ length: ANSWERS }, (_, i) => {
    const requestId = `shutdown-${randomUUID()}`;
    return streamEvent(requestId, 'FeedbackSubmitted', answerData(requestId, businessId, i, { person: `shutdown-person-${i}`, requestedAt }));
  });
}

/** One consumer service under SIGTERM. */
interface Case {
  service: ServiceName;
  /** The topic of the stream. */
  topic: string;
  /** Settings of the instance under test besides its own group and database. */
  env?: Record<string, string>;
  /** Publishes what the instance must know before the stream (it reads from now on only), and builds the stream. */
  prepare(prefix: string): Promise<StreamEvent[]>;
  /** How many times each key of the stream has its effect, so far (an email sent, an answer stored). */
  effects(prefix: string, stream: StreamEvent[]): Promise<Map<string, number>>;
  /**
   * The handler keeps no processed-event record (its own write is keyed so that a
   * redelivery changes nothing): its effects are its record of what it processed.
   */
  ownIdempotency?: boolean;
  /** SIGTERM once this many keys have their effect: mid-stream, with a backlog still to read. */
  stopAfter: number;
  /**
   * Makes sure a message is in the handler's hands when SIGTERM arrives: the
   * dependency listening on `port` is frozen (SIGSTOP) until `inFlight` sees
   * work stuck half-way, SIGTERM is sent, and the dependency is thawed
   * `holdMs` later; the shutdown must wait for that work and finish it.
   */
  hold?: { port: number; inFlight(prefix: string): Promise<number>; holdMs: number };
}

/**
 * The instance under test runs in a consumer group and database of its own (a
 * fresh group that starts at the end of every topic), so that nothing but the
 * instance moves that group's committed offsets: what the broker holds after
 * the exit is exactly what the shutdown committed, and the restarted instance's
 * counters are exactly the work left over.
 */
async function sigtermMidStream(c: Case): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const groupId = `${c.service}-shutdown-${run}`;
  const prefix = `e2e_shutdown_${run}_`;
  const options = { port: profile().servicePorts[c.service] + PORT_SHIFT, env: { ...c.env, KAFKA_GROUP_ID: groupId, MONGO_DB_PREFIX: prefix } };
  await startGroupAtEnd(groupId, await subscribedTopics(c.service));

  const first: ExtraInstance = await startExtraInstance(c.service, { ...options, logName: `${c.service}-shutdown-${run}-1` });
  let second: ExtraInstance | undefined;
  try {
    const stream = await c.prepare(prefix);
    const keyOf = new Map(stream.map((e) => [e.eventId, e.key]));
    // Published while the instance consumes, so the SIGTERM lands mid-stream however fast
    // it is (a batch consumer can otherwise finish a pre-published stream before the signal).
    // Paced, so that it lasts seconds even when the instance keeps up with it.
    const publishing = (async () => {
      for (let offset = 0; offset < stream.length; offset += BATCH) {
        if (offset > 0) await new Promise((resolve) => setTimeout(resolve, 200));
        await publish(c.topic, stream.slice(offset, offset + BATCH).map(({ key, value }) => ({ key, value })));
      }
    })();
    // Awaited after the exit; meanwhile a failure must not be an unhandled rejection.
    publishing.catch(() => undefined);
    await eventually(`${c.stopAfter} effects before the SIGTERM`, async () => ((await c.effects(prefix, stream)).size >= c.stopAfter ? true : undefined), 240_000);

    let inFlightAtSignal = 0;
    let inFlightAtExit = 0;
    const signalled = Date.now();
    if (c.hold) {
      const { port, inFlight, holdMs } = c.hold;
      const frozen = pidListeningOn(port);
      process.kill(frozen, 'SIGSTOP');
      let thawed = false;
      const thaw = () => {
        if (!thawed) process.kill(frozen, 'SIGCONT');
        thawed = true;
      };
      try {
        inFlightAtSignal = await eventually('work in flight', async () => ((await inFlight(prefix)) > 0 ? inFlight(prefix) : undefined));
        const stopping = first.process.stop(GRACE_MS);
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        thaw();
        await stopping;
      } finally {
        // Never leave the stack's shared dependency frozen, whatever failed.
        thaw();
      }
      inFlightAtExit = await inFlight(prefix);
    } else {
      // SIGTERM, and SIGKILL if it is still there after the grace period.
      await first.process.stop(GRACE_MS);
    }
    const exitCode = await first.process.exited;
    await publishing;
    // Reported, not asserted: how long the drain took depends on the machine.
    const drainSeconds = ((Date.now() - signalled) / 1000).toFixed(1);

    // What the instance left behind: the offsets it committed, the events it marked processed, their effects.
    const [committed, processedIds, effectsAtExit, located] = await Promise.all([
      committedOffsets(groupId, c.topic),
      c.ownIdempotency
        ? []
        : withDatabase(c.service, (db) => db.collection<{ _id: string }>('processed_events').find({ _id: { $in: [...keyOf.keys()] } }, { projection: { _id: 1 } }).toArray(), prefix),
      c.effects(prefix, stream),
      readAll(c.topic, (m) => keyOf.has(JSON.parse(m.value?.toString() ?? '{}').id)),
    ]);
    // A handler idempotent by its own writes leaves no mark besides its effect: what has its effect was processed.
    const processed = c.ownIdempotency ? new Set(effectsAtExit.keys()) : new Set(processedIds.map((p) => keyOf.get(p._id)!));
    const position = (m: (typeof located)[number]) => ({ key: m.key?.toString() ?? '', partition: m.partition, offset: Number(m.offset) });
    const below = (p: ReturnType<typeof position>) => p.offset < (committed.get(p.partition) ?? -1);
    // Committed but not processed: lost for good (nobody will read it again).
    const lost = located.map(position).filter((p) => below(p) && !processed.has(p.key));
    // Processed but not committed: the restarted instance would read it again.
    const uncommitted = located.map(position).filter((p) => !below(p) && processed.has(p.key));
    // Half-done: an effect without its processed mark, or a mark without its effect.
    const halfDone = [...new Set([...effectsAtExit.keys(), ...processed])].filter((key) => effectsAtExit.has(key) !== processed.has(key));
    const doubledAtExit = [...effectsAtExit].filter(([, n]) => n !== 1);

    second = await startExtraInstance(c.service, { ...options, logName: `${c.service}-shutdown-${run}-2` });
    const final = await eventually(
      `all ${stream.length} effects after the restart`,
      async () => {
        const effects = await c.effects(prefix, stream);
        return effects.size >= stream.length && (await groupLag(groupId)) === 0 ? effects : undefined;
      },
      240_000,
    );
    const [handledAfter, duplicatesAfter, lettered] = await Promise.all([
      counter(second.url, 'kafka_consumed_messages_total', { topic: c.topic, outcome: 'handled' }),
      counter(second.url, 'kafka_consumed_messages_total', { topic: c.topic, outcome: 'duplicate' }),
      readAll(`${c.topic}.dlq`, (m) => m.headers?.['dlq-consumer-group']?.toString() === groupId),
    ]);
    await second.process.stop(GRACE_MS);
    const secondExitCode = await second.process.exited;

    const summary =
      `shutdown: ${c.service}, ${stream.length} events, SIGTERM after ${processed.size} processed; exit code ${exitCode} after ${drainSeconds} s (restarted one: ${secondExitCode}); ` +
      `committed ${JSON.stringify(Object.fromEntries(committed))}; lost ${lost.length}, processed-not-committed ${uncommitted.length}, half-done ${halfDone.length}; ` +
      `${c.hold ? `in flight at SIGTERM ${inFlightAtSignal}, at exit ${inFlightAtExit}; ` : ''}after restart ${handledAfter} handled, ${duplicatesAfter} duplicates, ${[...final.values()].reduce((a, b) => a + b, 0)} effects, ${lettered.length} dead letters`;
    process.stdout.write(`${summary}\n`);

    expect(exitCode).toBe(0);
    expect(secondExitCode).toBe(0);
    expect(processed.size).toBeGreaterThan(0);
    // Mid-stream: work was in hand when the signal came. With the mail server frozen that is the
    // emails in flight (a batch consumer may then finish the whole, short stream while draining);
    // otherwise, part of the stream was still to do.
    if (c.hold) expect(inFlightAtSignal).toBeGreaterThan(0);
    else expect(processed.size).toBeLessThan(stream.length);
    expect(lost).toEqual([]);
    expect(uncommitted).toEqual([]);
    expect(halfDone).toEqual([]);
    expect(inFlightAtExit).toBe(0);
    expect(doubledAtExit).toEqual([]);
    // The restarted instance did exactly the work that was left, and nothing twice.
    expect(duplicatesAfter).toBe(0);
    expect(handledAfter).toBe(stream.length - processed.size);
    expect(final.size).toBe(stream.length);
    expect([...final].filter(([, n]) => n !== 1)).toEqual([]);
    expect(lettered).toHaveLength(0);
  } finally {
    await Promise.all([first.stop(), second?.stop()]);
  }
}

/**
 * Graceful shutdown (SIGTERM, as an orchestrator sends it): the consumer stops
 * fetching, finishes the work in hand, commits what it finished and leaves its
 * group, and the process exits 0. Nothing it took is lost, nothing it finished
 * is done again by the instance that takes over.
 */
describe('graceful shutdown: SIGTERM mid-stream', () => {
  it('feedback-store (batch handler) finishes and commits what it took, and exits 0', async () => {
    const businessId = `b-shutdown-${randomUUID()}`;
    await sigtermMidStream({
      service: 'feedback-store',
      topic: 'feedback.requests.v1',
      ownIdempotency: true,
      stopAfter: Math.floor(ANSWERS / 4),
      prepare: async () => answerStream(businessId),
      // One document per answer (_id is the request id): present or not.
      effects: async (prefix) => {
        const stored = await withDatabase('feedback-store', (db) => db.collection('feedback_answers').find({ businessId }, { projection: { _id: 1 } }).toArray(), prefix);
        return new Map(stored.map((doc) => [String(doc._id), 1]));
      },
    });
  });

  it('analytics (batches stored behind reading) finishes the writes under way, commits what is stored, and exits 0', async () => {
    await sigtermMidStream({
      service: 'analytics',
      topic: 'feedback.requests.v1',
      ownIdempotency: true,
      stopAfter: Math.floor(ANSWERS / 4),
      prepare: async () => answerStream(`b-shutdown-${randomUUID()}`),
      // Each event counted is recorded once in the record of the write that counted it: how many times each answer was.
      effects: async (prefix, stream) => {
        const keyOf = new Map(stream.map((e) => [e.eventId, e.key]));
        const records = await withDatabase('analytics', (db) => db.collection<{ ids: string[] }>('applied_batches').find({}, { projection: { ids: 1 } }).toArray(), prefix);
        const counted = new Map<string, number>();
        for (const id of records.flatMap((r) => r.ids)) {
          const key = keyOf.get(id);
          if (key) counted.set(key, (counted.get(key) ?? 0) + 1);
        }
        return counted;
      },
    });
  });

  it('requests (a handler per message) finishes and commits what it took, and exits 0', async () => {
    const businessId = `b-shutdown-${randomUUID()}`;
    await sigtermMidStream({
      service: 'requests',
      topic: 'upstream.reviews.v1',
      stopAfter: Math.floor(REVIEWS / 4),
      prepare: async () =>
        Array.from({ length: REVIEWS }, (_, i) => {
          const reviewId = `shutdown-rev-${randomUUID()}`;
          const data = { reviewId, businessId, reviewerId: `shutdown-author-${i}`, rating: (i % 5) + 1, source: 'organic', language: 'en', publishedAt: new Date().toISOString() };
          return streamEvent(reviewId, 'ReviewPublished', data, 'e2e-upstream');
        }),
      // requests' copy of the review (_id is the review id): present or not.
      effects: async (prefix) => {
        const stored = await withDatabase('requests', (db) => db.collection('reviews').find({ businessId }, { projection: { _id: 1 } }).toArray(), prefix);
        return new Map(stored.map((doc) => [String(doc._id), 1]));
      },
    });
  });

  it('notifications (batch handler, emails sent concurrently) finishes the emails in flight, commits them, and exits 0', async () => {
    // The main notifications instance emails the same people (it reads the same topics): a sender name of
    // its own tells the emails of the instance under test apart.
    const senderName = `Shutdown test ${randomUUID().slice(0, 8)}`;
    const reviewers = Array.from({ length: EMAILS }, (_, i) => ({ userId: `shutdown-reviewer-${randomUUID()}`, email: `shutdown.${i}.${randomUUID()}@mail.example` }));
    const emailOf = new Map<string, string>();
    await sigtermMidStream({
      service: 'notifications',
      topic: 'info.requests.v1',
      env: { MAIL_FROM: `${senderName} <no-reply@feedback.local>` },
      stopAfter: Math.floor(EMAILS / 4),
      // The mail server frozen mid-send: an email claimed ('sending') but not yet accepted when SIGTERM arrives.
      hold: {
        port: profile().ports.smtp,
        holdMs: 3000,
        inFlight: (prefix) => withDatabase('notifications', (db) => db.collection('deliveries').countDocuments({ status: 'sending' }), prefix),
      },
      prepare: async (prefix) => {
        const business = await publishBusiness();
        await publish(
          'upstream.users.v1',
          reviewers.map((r) => ({ key: r.userId, value: JSON.stringify(envelope('UserProfileUpdated', { userId: r.userId, email: r.email, preferredLanguage: 'en', displayName: 'Reviewer' })) })),
        );
        await eventually('the instance under test to know the business and the reviewers', async () => {
          const [businesses, contacts] = await withDatabase(
            'notifications',
            async (db) =>
              Promise.all([
                db.collection('businesses').countDocuments({ _id: business.businessId as never }),
                db.collection('contacts').countDocuments({ _id: { $in: reviewers.map((r) => r.userId) } as never }),
              ]),
            prefix,
          );
          return businesses === 1 && contacts === EMAILS ? true : undefined;
        });
        const now = new Date();
        return reviewers.map((reviewer) => {
          const requestId = `shutdown-ir-${randomUUID()}`;
          emailOf.set(requestId, reviewer.email.toLowerCase());
          return streamEvent(requestId, 'InformationRequested', informationRequestedData(requestId, business, reviewer.userId, now));
        });
      },
      // The emails MailDev received from the instance under test, per request.
      effects: async (_prefix, stream) => {
        const counts = await mailCountsByRecipient({ fromName: senderName });
        return new Map(stream.flatMap((e) => (counts.get(emailOf.get(e.key)!) ? [[e.key, counts.get(emailOf.get(e.key)!)!] as const] : [])));
      },
    });
  });
});
