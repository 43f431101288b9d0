import { randomBytes, randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { feedbackCommentContext } from '@feedback/contracts';
import { loadConfig, serviceEnvSchema } from '@feedback/config';
import { KeyRing, type PiiKey } from '@feedback/pii';
import { type BusinessFixture, envelope, eventually, type ExtraInstance, personal, profile, publish, publishBusiness, startExtraInstance, token, urls } from './support';

// Rotating the PII key (PII_ENCRYPTION_KEYS, libs/pii KeyRing) on feedback-store, the
// keeper of sealed comments and shared details. One extra instance (own port, consumer
// group and database) is restarted three times over the same data:
//   ring A    -> data written under A
//   ring B,A  -> old data still readable, new data sealed with B
//   ring B    -> the old data can't be read: a clear answer, no crash, no leaked details

const PREFIX = 'e2e_key_rotation_';
const GROUP = 'feedback-store-key-rotation-e2e';
const FEEDBACK = 'feedback.requests.v1';
const DISCLOSURES = 'info.disclosures.v1';

/** Key A: the dev key the test stack runs with (so requests seals with it). Key B: new. */
const [KEY_A] = loadConfig(serviceEnvSchema(1, {}), {}).PII_ENCRYPTION_KEYS as [PiiKey];
const KEY_B: PiiKey = { id: `rot-${randomUUID().slice(0, 8)}`, key: randomBytes(32) };
const sealer = { A: new KeyRing([KEY_A]), B: new KeyRing([KEY_B]) };
const ringEnv = (...keys: PiiKey[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

type Raw = Record<string, unknown> & { _id: string };
type Json = Record<string, unknown>;

async function inInstanceDb<T>(fn: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
  const client = new MongoClient(urls().mongoUrl, { directConnection: true, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    return await fn(client.db(`${PREFIX}feedback-store`));
  } finally {
    await client.close();
  }
}
const stored = (collection: 'feedback_answers' | 'disclosures', id: string) => inInstanceDb((db) => db.collection<Raw>(collection).findOne({ _id: id }));

let instance: ExtraInstance | undefined;
async function restartWith(label: string, ...keys: PiiKey[]): Promise<string> {
  await instance?.stop();
  instance = await startExtraInstance('feedback-store', {
    port: profile().servicePorts['feedback-store'] + 70,
    env: { PII_ENCRYPTION_KEYS: ringEnv(...keys), KAFKA_GROUP_ID: GROUP, MONGO_DB_PREFIX: PREFIX },
    logName: `feedback-store-key-rotation-${label}`,
  });
  return instance.url;
}

async function get(url: string, bearer: string): Promise<{ status: number; body: Json; text: string }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${bearer}` } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {}, text };
}

let business: BusinessFixture;
const asAdmin = () => token('business', { sub: business.admin.userId, businessId: business.businessId });

/** A FeedbackSubmitted as requests publishes it, the comment sealed by `sealedBy` (the ring requests runs with). */
async function submitAnswer(comment: string, sealedBy: KeyRing): Promise<string> {
  const requestId = `fr-${randomUUID()}`;
  const data = {
    requestId,
    businessId: business.businessId,
    test: false,
    conversationId: `conv-${randomUUID()}`,
    userId: `user-${randomUUID()}`,
    representativeIds: [],
    surveyType: 'csat',
    score: 4,
    sealedComment: sealedBy.seal(comment, feedbackCommentContext(requestId)),
    requestedAt: new Date(Date.now() - 3_600_000).toISOString(),
    submittedAt: new Date().toISOString(),
  };
  await publish(FEEDBACK, [{ key: requestId, value: JSON.stringify(envelope('FeedbackSubmitted', data, { source: 'requests' })) }]);
  return requestId;
}

/** An InformationDisclosed as requests publishes it; feedback-store keeps the values sealed as they came. */
async function disclose(values: Record<string, string>, sealedBy: KeyRing): Promise<string> {
  const requestId = `ir-${randomUUID()}`;
  const data = {
    requestId,
    businessId: business.businessId,
    reviewId: `rv-${randomUUID()}`,
    requestedBy: business.admin.userId,
    providedAt: new Date().toISOString(),
    sealed: sealedBy.sealJson(values, `disclosure:${requestId}`),
  };
  await publish(DISCLOSURES, [{ key: requestId, value: JSON.stringify(envelope('InformationDisclosed', data, { source: 'requests' })) }]);
  return requestId;
}

const storedKeyId = async (collection: 'feedback_answers' | 'disclosures', id: string) => {
  const doc = await eventually(`${collection} ${id} stored by the rotating instance`, () => stored(collection, id).then((d) => d ?? undefined), 90_000);
  return ((collection === 'feedback_answers' ? doc.sealedComment : doc.sealed) as { keyId: string }).keyId;
};
const feedback = (url: string) => get(`${url}/v1/businesses/${business.businessId}/feedback?limit=200`, asAdmin());
const details = (url: string, requestId: string) => get(`${url}/v1/businesses/${business.businessId}/information-requests/${requestId}/details`, asAdmin());
const reads = (url: string, requestId: string) => get(`${url}/v1/businesses/${business.businessId}/information-requests/${requestId}/details/reads`, asAdmin());
const itemOf = (page: Json, requestId: string) => (page.items as Json[]).find((i) => i.requestId === requestId);

describe('security: rotating the PII encryption key (feedback-store)', () => {
  const run = randomUUID().slice(0, 8);
  const oldComment = personal(`Written under key A ${run}`);
  const oldValues = { email: `old.${run}@mail.example`, fullName: personal(`Old Person ${run}`), referenceNumber: personal(`ORD-A-${run}`) };
  const newComment = personal(`Written after the rotation ${run}`);
  const newCommentSealedB = personal(`Sealed by a rotated requests ${run}`);
  const newValues = { email: `new.${run}@mail.example`, phone: personal(`+32 470 ${run.slice(0, 6)}`) };
  let old: { answer: string; disclosure: string };
  let fresh: { answer: string; answerSealedB: string; disclosure: string };

  beforeAll(async () => {
    business = await publishBusiness({ name: 'Key Rotation Bakery' });
  });
  afterAll(async () => {
    await instance?.stop();
  });

  describe('ring "A": data written under the old key', () => {
    let url: string;
    beforeAll(async () => {
      url = await restartWith('a', KEY_A);
      old = { answer: await submitAnswer(oldComment, sealer.A), disclosure: await disclose(oldValues, sealer.A) };
    });

    it('stores the comment and the shared details sealed with key A', async () => {
      expect(await storedKeyId('feedback_answers', old.answer)).toBe(KEY_A.id);
      expect(await storedKeyId('disclosures', old.disclosure)).toBe(KEY_A.id);
      const raw = JSON.stringify([await stored('feedback_answers', old.answer), await stored('disclosures', old.disclosure)]);
      for (const value of [oldComment, ...Object.values(oldValues)]) expect(raw).not.toContain(value);
      await eventually('the business roster in the rotating instance', async () => ((await feedback(url)).status === 200 ? true : undefined));
      expect(itemOf((await feedback(url)).body, old.answer)).toMatchObject({ comment: oldComment });
    });
  });

  describe('ring "B,A": the new key first, the old one kept', () => {
    let url: string;
    beforeAll(async () => {
      url = await restartWith('ba', KEY_B, KEY_A);
      fresh = {
        // requests not restarted yet (still sealing with A on the topic), then restarted with B first
        answer: await submitAnswer(newComment, sealer.A),
        answerSealedB: await submitAnswer(newCommentSealedB, sealer.B),
        disclosure: await disclose(newValues, sealer.B),
      };
    });

    it('still reads what was written under key A', async () => {
      const page = await feedback(url);
      expect(page.status).toBe(200);
      expect(itemOf(page.body, old.answer)).toMatchObject({ score: 4, comment: oldComment });
      expect(itemOf(page.body, old.answer)).not.toHaveProperty('commentUnavailable');
      const read = await details(url, old.disclosure);
      expect(read).toMatchObject({ status: 200, body: { details: oldValues } });
    });

    it('seals new comments with key B, whichever key they travelled under, and keeps B-sealed details as they came', async () => {
      expect(await storedKeyId('feedback_answers', fresh.answer)).toBe(KEY_B.id);
      expect(await storedKeyId('feedback_answers', fresh.answerSealedB)).toBe(KEY_B.id);
      expect(await storedKeyId('disclosures', fresh.disclosure)).toBe(KEY_B.id);
      // the old records were not touched by the restart
      expect(await storedKeyId('feedback_answers', old.answer)).toBe(KEY_A.id);
      expect(await storedKeyId('disclosures', old.disclosure)).toBe(KEY_A.id);

      const page = await feedback(url);
      expect(itemOf(page.body, fresh.answer)).toMatchObject({ comment: newComment });
      expect(itemOf(page.body, fresh.answerSealedB)).toMatchObject({ comment: newCommentSealedB });
      expect(await details(url, fresh.disclosure)).toMatchObject({ status: 200, body: { details: newValues } });
      const raw = JSON.stringify([await stored('feedback_answers', fresh.answer), await stored('disclosures', fresh.disclosure)]);
      for (const value of [newComment, ...Object.values(newValues)]) expect(raw).not.toContain(value);
    });
  });

  describe('ring "B": the old key removed too early', () => {
    let url: string;
    beforeAll(async () => {
      url = await restartWith('b', KEY_B);
    });

    it('lists the answers, the old one flagged commentUnavailable and without its comment, the new ones readable', async () => {
      const page = await feedback(url);
      expect(page.status).toBe(200);
      expect(itemOf(page.body, old.answer)).toMatchObject({ score: 4, commentUnavailable: true });
      expect(itemOf(page.body, old.answer)).not.toHaveProperty('comment');
      expect(itemOf(page.body, fresh.answer)).toMatchObject({ comment: newComment });
      expect(itemOf(page.body, fresh.answerSealedB)).toMatchObject({ comment: newCommentSealedB });
      expect(page.text).not.toContain(oldComment);
    });

    it('answers the old shared details with 503 encryption_key_unavailable: no values, no internals, nothing audit-logged', async () => {
      const before = await reads(url, old.disclosure);
      expect(before.status).toBe(200);
      const read = await details(url, old.disclosure);
      expect(read.status).toBe(503);
      expect(read.body).toEqual({ statusCode: 503, error: 'encryption_key_unavailable', message: expect.stringContaining('an operator must restore it') });
      for (const leak of [...Object.values(oldValues), KEY_A.key.toString('base64'), KEY_A.id, 'Error:', '    at ']) expect(read.text).not.toContain(leak);
      // nothing left the service, so no read is recorded
      expect((await reads(url, old.disclosure)).body.items).toEqual(before.body.items);
    });

    it('keeps serving: the details sealed with B are readable and /health stays 200', async () => {
      expect(await details(url, fresh.disclosure)).toMatchObject({ status: 200, body: { details: newValues } });
      expect((await fetch(`${url}/health`)).status).toBe(200);
    });
  });
});
