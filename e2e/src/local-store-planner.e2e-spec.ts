import { randomUUID } from 'node:crypto';
import { MongoClient, type Collection, type Document, type Filter } from 'mongodb';
import { urls } from './support';

// The local MongoDB-wire server plans queries on indexes (infra/local/mongo/
// MongoWireServer.java: QueryPlanner, PrefixIndex). Planning must never change a
// result: every query here runs on a collection with indexes and on a copy without
// any (the backend's full scan, same matcher), before and after updates and deletes
// that move documents between index values, and both answers must be equal.

const DOCUMENTS = 1_500;
const statuses = ['pending', 'sent', 'failed', 'waiting'];
const tagsPool = ['a', 'b', 'c', 'd'];
const base = Date.UTC(2026, 10, 1);

let client: MongoClient;
/** String ids, as the services use. */
type TestDocument = Document & { _id: string };
let indexed: Collection<TestDocument>;
let plain: Collection<TestDocument>;

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function randomSource(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
const random = randomSource(20261125);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

function randomDocument(i: number): TestDocument {
  const doc: TestDocument = { _id: `doc-${i}`, code: `code-${i}`, group: Math.floor(random() * 20) };
  if (random() < 0.9) doc['status'] = pick(statuses);
  if (random() < 0.1) doc['status'] = null;
  doc['at'] = new Date(base + Math.floor(random() * 30) * 86_400_000);
  // Numbers of both BSON types: an index must find 3 for 3.0 as MongoDB's matcher does.
  doc['n'] = random() < 0.5 ? Math.floor(random() * 10) : Math.floor(random() * 10) + 0.5;
  if (random() < 0.7) doc['tags'] = tagsPool.filter(() => random() < 0.4);
  if (random() < 0.1) doc['tags'] = pick(tagsPool);
  doc['outboxPending'] = random() < 0.2;
  return doc;
}

function queries(): Filter<TestDocument>[] {
  const day = (n: number) => new Date(base + n * 86_400_000);
  return [
    { _id: 'doc-7' },
    { _id: 'doc-7', status: 'pending' },
    { _id: { $in: ['doc-1', 'doc-2', 'doc-3', 'doc-999999'] }, outboxPending: true },
    { _id: 'doc-9', $or: [{ status: 'sent' }, { status: { $exists: false } }] },
    { code: 'code-12', group: { $gte: 0 } },
    { status: 'pending' },
    { status: 'pending', at: { $lte: day(10) } },
    { status: { $in: ['sent', 'failed'] } },
    // Under an equality or $in on the first key of {status, at}, its second key.
    { status: 'sent', at: day(3) },
    { status: { $in: ['sent', 'waiting'] }, at: { $gt: day(20) } },
    { status: 'failed', at: { $exists: true } },
    { group: 3, tags: 'a' },
    { group: { $in: [3, 4] }, tags: { $gt: 'c', $lt: 'b' } },
    { status: null },
    { status: { $exists: false } },
    { status: { $ne: 'sent' } },
    { at: { $gte: day(5), $lt: day(9) } },
    { at: { $gt: day(25) } },
    { n: 3 },
    { n: 3.5 },
    { n: { $gt: 2, $lte: 6 } },
    { n: { $in: [1, 2.5, 9] } },
    { tags: 'b' },
    { tags: { $in: ['a', 'd'] } },
    { tags: { $gt: 'b' } },
    // Each bound may be met by a different element of an array.
    { tags: { $gt: 'c', $lt: 'b' } },
    { tags: ['a', 'b'] },
    { outboxPending: true },
    { outboxPending: true, group: { $lt: 5 } },
    { group: 4 },
  ];
}

async function expectSameAnswers(stage: string): Promise<void> {
  for (const query of queries()) {
    const fromIndexed = await indexed.find(query).sort({ _id: 1 }).toArray();
    const fromPlain = await plain.find(query).sort({ _id: 1 }).toArray();
    expect({ stage, query, ids: fromIndexed.map((d) => d['_id']) }).toEqual({ stage, query, ids: fromPlain.map((d) => d['_id']) });
    expect(await indexed.countDocuments(query)).toBe(fromPlain.length);
  }
  // Natural order without a sort: the planner hands candidates over in position order.
  const unsortedIndexed = await indexed.find({ status: 'sent' }).toArray();
  const unsortedPlain = await plain.find({ status: 'sent' }).toArray();
  expect(unsortedIndexed.map((d) => d['_id'])).toEqual(unsortedPlain.map((d) => d['_id']));
}

/** Runs one write on both collections and expects the same effect. */
async function onBoth(write: (c: Collection<TestDocument>) => Promise<unknown>): Promise<void> {
  const [a, b] = [await write(indexed), await write(plain)];
  expect(a).toEqual(b);
}

beforeAll(async () => {
  client = new MongoClient(urls().mongoUrl, { directConnection: true, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(`e2e_planner_${randomUUID().slice(0, 8)}`);
  indexed = db.collection('indexed');
  plain = db.collection('plain');
  await indexed.createIndex({ code: 1 }, { unique: true });
  await indexed.createIndex({ status: 1, at: 1 });
  await indexed.createIndex({ at: -1 });
  await indexed.createIndex({ n: 1 });
  await indexed.createIndex({ tags: 1 });
  await indexed.createIndex({ group: 1, tags: 1 });
  await indexed.createIndex({ outboxPending: 1 });
  const docs = Array.from({ length: DOCUMENTS }, (_, i) => randomDocument(i));
  await indexed.insertMany(docs.map((d) => ({ ...d })));
  await plain.insertMany(docs.map((d) => ({ ...d })));
});

afterAll(async () => {
  await client?.db(indexed.dbName).dropDatabase();
  await client?.close();
});

describe('local store: queries planned on indexes answer as a full scan does', () => {
  it('after inserts', async () => {
    await expectSameAnswers('inserted');
  });

  it('after updates that move documents between indexed values, and guarded single updates', async () => {
    await onBoth((c) => c.updateMany({ status: 'pending', n: { $lt: 4 } }, { $set: { status: 'sent' } }).then((r) => r.modifiedCount));
    await onBoth((c) => c.updateMany({ tags: 'a' }, { $set: { tags: ['e', 'a', 'c'] } }).then((r) => r.modifiedCount));
    await onBoth((c) => c.updateMany({ outboxPending: true, group: { $lt: 10 } }, { $set: { outboxPending: false }, $unset: { at: '' } }).then((r) => r.modifiedCount));
    for (let i = 0; i < 200; i += 7) {
      // A guarded write: the state changes only from the state the writer read.
      await onBoth((c) => c.updateOne({ _id: `doc-${i}`, status: 'sent' }, { $set: { status: 'failed', n: 42 } }).then((r) => r.modifiedCount));
    }
    await onBoth((c) => c.updateOne({ _id: 'doc-new', status: 'pending' }, { $set: { code: 'code-new', n: 7 } }, { upsert: true }).then((r) => r.upsertedCount));
    await expectSameAnswers('updated');
  });

  it('after deletes and re-inserts that reuse freed positions', async () => {
    await onBoth((c) => c.deleteMany({ status: 'failed' }).then((r) => r.deletedCount));
    await onBoth((c) => c.deleteMany({ _id: { $in: ['doc-3', 'doc-4', 'doc-5'] }, group: { $gte: 0 } }).then((r) => r.deletedCount));
    const again = Array.from({ length: 300 }, (_, i) => randomDocument(DOCUMENTS + i));
    await onBoth((c) => c.insertMany(again.map((d) => ({ ...d }))).then((r) => r.insertedCount));
    await onBoth((c) => c.findOneAndUpdate({ status: 'waiting', n: { $gte: 0 } }, { $set: { status: 'sent' } }, { sort: { _id: 1 } }).then((d) => d?.['_id']));
    await expectSameAnswers('deleted and re-inserted');
  });

  it('with a value most documents share, then most moved off it (an index keeps such positions as a bitmap, few as an array)', async () => {
    await onBoth((c) => c.updateMany({}, { $set: { outboxPending: false } }).then((r) => r.matchedCount));
    await expectSameAnswers('one value for all');
    await onBoth((c) => c.updateMany({ group: { $lt: 18 } }, { $set: { outboxPending: true } }).then((r) => r.modifiedCount));
    await onBoth((c) => c.deleteMany({ outboxPending: true, group: { $lt: 9 } }).then((r) => r.deletedCount));
    await expectSameAnswers('most moved off, half of them deleted');
  });
});
