import { AssignerProtocol } from 'kafkajs';
import { eventually, kafka } from '../src/support';

/** One member of a consumer group and the partitions the broker assigned it, by topic. */
export interface GroupMember {
  memberId: string;
  assignment: Record<string, number[]>;
}

/**
 * The members of a consumer group as the broker reports them. Empty while the
 * group is rebalancing: only a Stable group's assignment says who holds what.
 */
export async function groupMembers(groupId: string): Promise<GroupMember[]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (!group || group.state !== 'Stable') return [];
    return group.members.map((member) => ({
      memberId: member.memberId,
      assignment: AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {},
    }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until `groupId` is stable with exactly `count` members and every one of
 * them holds at least one partition of `topic`: the proof that the instances
 * really share the work (and not that one holds everything while the other idles).
 */
export function sharedBy(groupId: string, count: number, topic: string, timeoutMs = 180_000): Promise<GroupMember[]> {
  return eventually(
    `${count} members of ${groupId}, each holding a partition of ${topic}`,
    async () => {
      const members = await groupMembers(groupId);
      if (members.length === count && members.every((m) => (m.assignment[topic]?.length ?? 0) > 0)) return members;
      // Said in the timeout's message: what the group looked like last.
      throw new Error(`last seen: ${members.length === 0 ? 'no stable group' : members.map((m) => `${m.memberId} holds ${JSON.stringify(m.assignment[topic] ?? [])}`).join(', ')}`);
    },
    timeoutMs,
  );
}

/**
 * How many messages of the topics `groupId` subscribes to are not committed yet
 * (undefined while the group rebalances). 0 means every message published so far
 * is processed and committed: nothing can be redelivered any more, so counts of
 * effects taken now are final.
 */
export async function groupLag(groupId: string): Promise<number | undefined> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (!group || group.state !== 'Stable' || group.members.length === 0) return undefined;
    const topics = subscriptions(group.members);
    let lag = 0;
    for (const topic of topics) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) lag += Math.max(0, Number(high) - Math.max(0, at.get(partition) ?? 0));
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** The topics a group's members subscribe to, from the metadata they joined with. */
function subscriptions(members: { memberMetadata: Buffer }[]): string[] {
  return [...new Set(members.flatMap((m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []))].sort();
}

/** The topics a running service's consumer group subscribes to, as the broker knows them (waits out a rebalance). */
export function subscribedTopics(groupId: string): Promise<string[]> {
  return eventually(`the subscriptions of ${groupId}`, async () => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      const [group] = (await admin.describeGroups([groupId])).groups;
      const topics = group?.state === 'Stable' ? subscriptions(group.members) : [];
      return topics.length > 0 ? topics : undefined;
    } finally {
      await admin.disconnect();
    }
  });
}

/**
 * Commits the current end of each topic for a group no instance has joined yet,
 * so an instance started in it reads only what is published from now on (not
 * the whole history of the run's earlier suites).
 */
export async function startGroupAtEnd(groupId: string, topics: string[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    for (const topic of topics) await admin.resetOffsets({ groupId, topic, earliest: false });
  } finally {
    await admin.disconnect();
  }
}

/**
 * A counter from a service's /metrics (Prometheus text), summed over the series
 * whose labels include all of `labels`; 0 when there is none yet.
 */
export async function counter(baseUrl: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) sum += Number(match[3]);
  }
  return sum;
}
