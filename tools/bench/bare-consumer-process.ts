// One bare consumer (bare-consumer.ts) in a process of its own, as the pipeline's
// ceiling runs them. Forked with IPC; argv[2] is a JSON BareConsumerSpec. It
// reports `{ ready: true }` once in its group, `{ consumed, inserted }` after
// each batch and `{ done: true, ... }` once it has consumed `expected` messages.
// It stays up until the parent stops it (so the parent can read what CPU it
// spent), and exits when the parent goes away, leaving its consumer group
// first (a member that just vanishes holds the group until its session times
// out, and a group with members cannot be deleted).
import { logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { newKafka } from '@feedback/messaging';
import { runBareConsumer, type BareConsumerSpec } from './bare-consumer.ts';

function send(message: object): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(message, undefined, {}, () => resolve()) : resolve()));
}

/** Set once the consumer runs: what the process does before it exits. */
let leaveGroup: () => Promise<void> = () => Promise.resolve();

async function main(spec: BareConsumerSpec): Promise<void> {
  const kafka = newKafka({ clientId: spec.name.replace(/\W+/g, '-'), brokers: [spec.brokers], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  const mongo = new MongoClient(spec.mongoUrl, { directConnection: true, serverSelectionTimeoutMS: 10_000 });
  await mongo.connect();
  let finished: (progress: object) => void = () => undefined;
  const done = new Promise<object>((resolve) => (finished = resolve));
  const consumer = await runBareConsumer(kafka, mongo.db(spec.db).collection(spec.collection), {
    topic: spec.topic,
    groupId: spec.groupId,
    keep: spec.keep,
    onProgress: (progress) => {
      if (progress.consumed >= spec.expected) finished({ ...progress });
      else void send(progress);
    },
  });
  leaveGroup = () => consumer.disconnect();
  await send({ ready: true });
  await send({ done: true, ...(await done) });
  await consumer.stop();
}

process.on('disconnect', () => {
  // Five seconds at most: a broker that is gone must not keep the process.
  const exit = setTimeout(() => process.exit(0), 5000);
  void leaveGroup()
    .catch(() => undefined)
    .finally(() => {
      clearTimeout(exit);
      process.exit(0);
    });
});
main(JSON.parse(process.argv[2] ?? '{}') as BareConsumerSpec).catch(
  (error: unknown) => {
    console.error(`bare consumer: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
