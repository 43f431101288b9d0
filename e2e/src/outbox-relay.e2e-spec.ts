import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { EventPublisher } from '@feedback/messaging';
import { appendToOutbox, OutboxRelay, type OutboxEntry } from '@feedback/service-kit';
import { kafka, readAll, urls } from './support';

// The outbox relay on the real store and broker, below the services: a flushed
// document's entries go out in order and its outbox is emptied; a document whose
// lease another instance holds is left to it; an entry appended while a batch was
// going out stays for the next one.

const COLLECTION = 'outbox_docs';
const topic = `e2e.outbox-relay.${randomUUID().slice(0, 8)}`;
let connection: Connection;
let publisher: EventPublisher;
let relay: OutboxRelay;

const entry = (key: string, label: string): OutboxEntry => ({ id: randomUUID(), topic, key, value: JSON.stringify({ label }) });
const docs = () => connection.collection(COLLECTION);
const append = (id: string, ...entries: OutboxEntry[]) => docs().updateOne({ _id: id as never }, appendToOutbox(entries) as never);
const outboxState = (id: string) => docs().findOne({ _id: id as never }, { projection: { outbox: 1, outboxPending: 1, outboxLease: 1 } });
const published = async (key: string) => (await readAll(topic, (m) => m.key?.toString() === key)).map((m) => (JSON.parse(m.value!.toString()) as { label: string }).label);
const emptied = { outbox: [], outboxPending: false, outboxLease: null };

beforeAll(async () => {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  connection = await mongoose.createConnection(urls().mongoUrl, { dbName: `e2e-outbox-${randomUUID().slice(0, 8)}`, directConnection: true }).asPromise();
  publisher = new EventPublisher(kafka(), 'e2e');
  relay = new OutboxRelay(publisher, connection);
});

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
  await publisher?.disconnect();
});

describe('OutboxRelay', () => {
  it('publishes a flushed document’s entries in order, then empties its outbox and gives the lease back', async () => {
    const id = randomUUID();
    await docs().insertOne({ _id: id as never, outbox: [], outboxPending: false });
    await append(id, entry(id, 'first'), entry(id, 'second'));
    await append(id, entry(id, 'third'));
    await relay.flush(COLLECTION, id);
    expect(await published(id)).toEqual(['first', 'second', 'third']);
    expect(await outboxState(id)).toMatchObject(emptied);
  });

  it('leaves a document whose live lease another instance holds to that instance', async () => {
    const id = randomUUID();
    await docs().insertOne({ _id: id as never, outbox: [entry(id, 'theirs')], outboxPending: true, outboxLease: 'another-instance', outboxLeaseUntil: new Date(Date.now() + 60_000) });
    await relay.flush(COLLECTION, id);
    expect(await published(id)).toEqual([]);
    expect(await outboxState(id)).toMatchObject({ outboxPending: true, outboxLease: 'another-instance', outbox: [expect.objectContaining({ key: id })] });
  });

  it('takes over a document whose lease ran out (its holder crashed)', async () => {
    const id = randomUUID();
    await docs().insertOne({ _id: id as never, outbox: [entry(id, 'orphaned')], outboxPending: true, outboxLease: 'crashed-instance', outboxLeaseUntil: new Date(Date.now() - 1000) });
    await relay.flush(COLLECTION, id);
    expect(await published(id)).toEqual(['orphaned']);
    expect(await outboxState(id)).toMatchObject(emptied);
  });

  it('keeps an entry appended while the batch was going out, for the next flush', async () => {
    const id = randomUUID();
    await docs().insertOne({ _id: id as never, outbox: [], outboxPending: false });
    await append(id, entry(id, 'before'));
    // Appended once the relay has read the outbox: while its send to the broker is under way.
    const sendRaw = publisher.sendRaw.bind(publisher);
    const spy = jest.spyOn(publisher, 'sendRaw').mockImplementationOnce(async (t, messages) => {
      await append(id, entry(id, 'during'));
      await sendRaw(t, messages);
    });
    try {
      await relay.flush(COLLECTION, id);
    } finally {
      spy.mockRestore();
    }
    expect(await published(id)).toEqual(['before']);
    expect(await outboxState(id)).toMatchObject({ outboxPending: true, outboxLease: null, outbox: [expect.objectContaining({ value: JSON.stringify({ label: 'during' }) })] });

    await relay.flush(COLLECTION, id);
    expect(await published(id)).toEqual(['before', 'during']);
    expect(await outboxState(id)).toMatchObject(emptied);
  });
});
