import type { Envelope } from '@feedback/contracts';
import type { DirectoryRepository } from '../mongo/directory.repository';
import { DirectoryConsumer } from './directory.consumer';

// The conversation batch handler writes runs of one event type in their order:
// a deletion must land after the interactions that came before it in the batch
// (a deletion of a conversation not yet stored changes nothing, as one event at a
// time would have it), and an interaction after a deletion comes after it.

const at = '2026-12-01T10:00:00.000Z';
let n = 0;
const event = (type: string, data: Record<string, unknown>): Envelope => ({ id: `e${++n}`, type, version: 1, occurredAt: at, source: 'upstream', correlationId: 'c', data });
const interaction = (conversationId: string) => event('ConversationInteraction', { conversationId, businessId: 'b1', userId: 'u1', representativeIds: ['r1'], occurredAt: at });
const deletion = (conversationId: string) => event('ConversationDeleted', { conversationId, userId: 'u1', deletedAt: at });

function recordingDirectory() {
  const calls: string[] = [];
  const directory = {
    saveConversations: async (conversations: { value: { conversationId: string } }[]) => void calls.push(`save ${conversations.map((c) => c.value.conversationId).join(',')}`),
    markConversationsDeleted: async (deletions: { conversationId: string }[]) => void calls.push(`delete ${deletions.map((d) => d.conversationId).join(',')}`),
  };
  return { calls, consumer: new DirectoryConsumer(directory as unknown as DirectoryRepository) };
}

describe('DirectoryConsumer: a batch of conversation events', () => {
  it('writes consecutive events of one type together, runs in the batch’s order', async () => {
    const { calls, consumer } = recordingDirectory();
    await consumer.onConversationEvents([interaction('a'), interaction('b'), deletion('a'), interaction('c'), deletion('b'), deletion('c')]);
    expect(calls).toEqual(['save a,b', 'delete a', 'save c', 'delete b,c']);
  });

  it('keeps each interaction’s version and time', async () => {
    const saved: unknown[] = [];
    const consumer = new DirectoryConsumer({ saveConversations: async (c: unknown[]) => void saved.push(...c) } as unknown as DirectoryRepository);
    const first = interaction('a');
    await consumer.onConversationEvents([first]);
    expect(saved).toEqual([
      {
        value: { conversationId: 'a', businessId: 'b1', userId: 'u1', representativeIds: ['r1'], lastInteractionAt: new Date(at) },
        version: { asOf: new Date(at), sourceEventId: first.id },
      },
    ]);
  });
});
