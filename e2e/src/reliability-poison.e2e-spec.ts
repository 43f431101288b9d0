import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import { findTopic } from '@feedback/contracts';
import { SERVICES } from '../../tools/stack/stack.ts';
import { envelope, eventually, kafka, publish, readAll } from './support';

/** Which consumer group of the running services reads which topic, from the broker's own view. */
async function consumersByTopic(): Promise<Map<string, Set<string>>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([...SERVICES]);
    const byTopic = new Map<string, Set<string>>();
    for (const group of groups) {
      for (const member of group.members) {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        for (const topic of Object.keys(assignment?.assignment ?? {})) {
          if (!byTopic.has(topic)) byTopic.set(topic, new Set());
          byTopic.get(topic)!.add(group.groupId);
        }
      }
    }
    return byTopic;
  } finally {
    await admin.disconnect();
  }
}

/** A type the topic does define, so the schema and version poisons are judged, not skipped as unknown. */
const knownType = (topic: string) => Object.values(findTopic(topic)!.events)[0]!.type;

/**
 * Poison on every consumed topic: each consumer group dead-letters each bad
 * message with its reason (and the original bytes), then carries on.
 */
describe('poison messages on every consumed topic', () => {
  let topics: Map<string, Set<string>>;
  beforeAll(async () => {
    topics = await eventually('every service in its consumer group', async () => {
      const found = await consumersByTopic();
      return found.size >= 6 ? found : undefined;
    });
  });

  it('knows the consumers from the broker', () => {
    expect(topics.get('upstream.users.v1')).toContain('notifications');
    expect(topics.get('info.disclosures.v1')).toContain('feedback-store');
    expect(topics.get('upstream.conversations.v1')).toContain('requests');
  });

  it('dead-letters bad JSON, a wrong schema, an unknown version and a huge payload, per consumer, and consumption goes on', async () => {
    const runs = [...topics.entries()].map(([topic, groups]) => ({ topic, groups: [...groups], key: `poison-${randomUUID()}` }));
    const poisons = (topic: string, key: string) => [
      { key, value: '{"id": "not even json' },
      { key, value: JSON.stringify(envelope(knownType(topic), { nonsense: true })) },
      { key, value: JSON.stringify({ ...envelope(knownType(topic), {}), version: 99 }) },
      { key, value: Buffer.alloc(1_000_100, 'x') },
    ];
    for (const run of runs) await publish(run.topic, poisons(run.topic, run.key));

    for (const run of runs) {
      const letters = await eventually(`dead letters of ${run.topic}`, async () => {
        const found = await readAll(`${run.topic}.dlq`, (m) => m.key?.toString() === run.key);
        return found.length >= 4 * run.groups.length ? found : undefined;
      }, 90_000);
      for (const group of run.groups) {
        const mine = letters.filter((m) => m.headers?.['dlq-consumer-group']?.toString() === group);
        const reasons = mine.map((m) => m.headers!['dlq-reason']!.toString());
        expect({ topic: run.topic, group, reasons: reasons.length }).toEqual({ topic: run.topic, group, reasons: 4 });
        expect(reasons[0]).toMatch(/not valid JSON/);
        expect(reasons[1]).toMatch(/invalid .* data/);
        expect(reasons[2]).toMatch(/unsupported version 99/);
        expect(reasons[3]).toMatch(/exceeds the 1000000-byte limit/);
        expect(mine.every((m) => m.headers!['dlq-original-topic']!.toString() === run.topic)).toBe(true);
      }
    }
  });
});
