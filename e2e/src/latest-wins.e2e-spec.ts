import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { saveLatest, saveManyLatest, type LatestWrite } from '@feedback/persistence';
import { urls } from './support';

// "The newest event wins" on the real store, below the services: the rule every
// upstream directory (contacts, conversations, reviews, business profiles) is
// kept by. A batch's unordered bulk write must end exactly where one event at a
// time would, whatever the order, redeliveries, and versions stored before.

interface Doc {
  _id: string;
  name: string;
  asOf: Date;
  sourceEventId: string;
}

let connection: Connection;
let model: Model<Doc>;

const write = (id: string, iso: string, sourceEventId: string, name: string): LatestWrite => ({ id, version: { asOf: new Date(iso), sourceEventId }, fields: { name } });
const stored = async (ids: string[]) => {
  const docs = await model.find({ _id: { $in: ids } }).lean();
  return Object.fromEntries(docs.map((d) => [d._id, d.name]));
};

beforeAll(async () => {
  connection = await mongoose.createConnection(urls().mongoUrl, { dbName: `e2e-latest-${randomUUID().slice(0, 8)}`, directConnection: true }).asPromise();
  model = connection.model<Doc>('LatestDoc', new Schema<Doc>({ _id: String, name: String, asOf: Date, sourceEventId: String }, { collection: 'latest_docs', versionKey: false }));
  await model.init();
});

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
});

describe('saveManyLatest', () => {
  it('stores each document of a batch once, at its newest version, whatever the order within the batch', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const batch = [
      write(a, '2026-12-01T10:00:00Z', 'e1', 'a first'),
      write(b, '2026-12-01T09:00:00Z', 'e2', 'b only'),
      write(a, '2026-12-01T12:00:00Z', 'e3', 'a newest'),
      write(a, '2026-12-01T11:00:00Z', 'e4', 'a late arrival'),
    ];
    expect(await saveManyLatest(model, batch)).toEqual(new Set([a, b]));
    expect(await stored([a, b])).toEqual({ [a]: 'a newest', [b]: 'b only' });
  });

  it('leaves a newer stored version in place and writes over an older one, in the same bulk write', async () => {
    const [newer, older, fresh] = [randomUUID(), randomUUID(), randomUUID()];
    await saveLatest(model, newer, { asOf: new Date('2026-12-02T00:00:00Z'), sourceEventId: 'n' }, { name: 'stored newer' });
    await saveLatest(model, older, { asOf: new Date('2026-11-01T00:00:00Z'), sourceEventId: 'o' }, { name: 'stored older' });
    const written = await saveManyLatest(model, [
      write(newer, '2026-12-01T00:00:00Z', 'x1', 'stale event'),
      write(older, '2026-12-01T00:00:00Z', 'x2', 'newer event'),
      write(fresh, '2026-12-01T00:00:00Z', 'x3', 'first version'),
    ]);
    expect(written).toEqual(new Set([older, fresh]));
    expect(await stored([newer, older, fresh])).toEqual({ [newer]: 'stored newer', [older]: 'newer event', [fresh]: 'first version' });
  });

  it('changes nothing when a batch is delivered again, and breaks ties of the same instant by the greater event id', async () => {
    const id = randomUUID();
    const batch = [write(id, '2026-12-01T10:00:00Z', 'e-b', 'greater id'), write(id, '2026-12-01T10:00:00Z', 'e-a', 'smaller id')];
    expect(await saveManyLatest(model, batch)).toEqual(new Set([id]));
    expect(await saveManyLatest(model, batch)).toEqual(new Set());
    expect(await saveManyLatest(model, [batch[1]!])).toEqual(new Set());
    expect(await stored([id])).toEqual({ [id]: 'greater id' });
    expect(await model.countDocuments({ _id: id })).toBe(1);
  });
});
