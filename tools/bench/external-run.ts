// What a bench run on external infrastructure (`--infra external`) must do that
// a run on its own fresh stack gets for free: make sure no other instance of the
// platform consumes from the same broker, and leave the broker and the store as
// it found them (the run's databases and scratch topics go at the end).
import { logLevel, type Admin } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { newKafka } from '@feedback/messaging';
import { SERVICES } from '../stack/stack.ts';
import { redactedUrl, type ExternalInfra } from '../stack/external-infra.ts';
import { benchDbPrefix } from './bench-stack.ts';

async function withAdmin<T>(brokers: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = newKafka({ clientId: 'bench-external', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The services' consumer groups (named after them) that have members already:
 * another instance of the platform (say docker compose's own services) is
 * consuming there, and would share the bench's events with the bench's services.
 */
export async function busyServiceGroups(infra: ExternalInfra): Promise<string[]> {
  return withAdmin(infra.kafkaBrokers, async (admin) => {
    const { groups } = await admin.describeGroups([...SERVICES]);
    return groups.filter((group) => group.members.length > 0).map((group) => group.groupId);
  });
}

/** The names among `names` that this run made (they end with its id): its scratch topics and consumer groups. */
export function ownedByRun(names: readonly string[], runId: string): string[] {
  return names.filter((name) => name.startsWith('bench') && (name.endsWith(`.${runId}`) || name.endsWith(`-${runId}`)));
}

/**
 * Deletes the groups; returns the ones the broker refused, with its reason. A
 * group already gone counts as deleted: deleting a topic drops its groups'
 * offsets, and a group with nothing left may vanish between listing and deleting.
 */
async function deleteGroups(admin: Admin, groups: string[]): Promise<string[]> {
  try {
    await admin.deleteGroups(groups);
    return [];
  } catch (error) {
    const refused = (error as { groups?: { groupId: string; error?: { type?: string } }[] }).groups;
    if (!refused) throw error;
    return refused.filter((g) => g.error && g.error.type !== 'GROUP_ID_NOT_FOUND').map((g) => `${g.groupId} (${g.error?.type ?? 'refused'})`);
  }
}

/** Drops the run's databases and deletes its scratch topics and consumer groups; says what it could not. */
export async function cleanUpRun(infra: ExternalInfra, runId: string, log: (line: string) => void): Promise<void> {
  const mongo = new MongoClient(infra.mongoUrl, { directConnection: true, serverSelectionTimeoutMS: 10_000 });
  const prefix = benchDbPrefix(runId);
  try {
    await mongo.connect();
    const { databases } = await mongo.db('admin').admin().listDatabases({ nameOnly: true });
    const own = databases.map((d) => d.name).filter((name) => name.startsWith(prefix));
    for (const name of own) await mongo.db(name).dropDatabase();
    log(`      dropped this run's ${own.length} database(s) (${prefix}*) on ${redactedUrl(infra.mongoUrl)}`);
  } catch (error) {
    log(`      could not drop the databases ${prefix}*: ${(error as Error).message}`);
  } finally {
    await mongo.close().catch(() => undefined);
  }
  try {
    await withAdmin(infra.kafkaBrokers, async (admin) => {
      const topics = ownedByRun(await admin.listTopics(), runId);
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
      const groups = ownedByRun((await admin.listGroups()).groups.map((g) => g.groupId), runId);
      const kept = groups.length > 0 ? await deleteGroups(admin, groups) : [];
      log(`      deleted this run's scratch topics (${topics.length}) and consumer groups (${groups.length - kept.length}) on ${infra.kafkaBrokers}`);
      if (kept.length > 0) log(`      not deleted: ${kept.join(', ')} (an empty group expires on its own)`);
    });
  } catch (error) {
    log(`      could not delete this run's scratch topics and groups: ${(error as Error).message}`);
  }
}
