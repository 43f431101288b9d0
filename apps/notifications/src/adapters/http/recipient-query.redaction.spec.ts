import { maskRecipientQuery } from './recipient-query.redaction';

describe('maskRecipientQuery', () => {
  it('masks the recipient address wherever it sits in the query, and nothing else', () => {
    expect(maskRecipientQuery('/v1/notifications?recipient=ann%40example.com')).toBe('/v1/notifications?recipient=***');
    expect(maskRecipientQuery('/v1/notifications?status=sent&recipient=ann@example.com&limit=2')).toBe('/v1/notifications?status=sent&recipient=***&limit=2');
    expect(maskRecipientQuery('/v1/notifications?RECIPIENT=a@b.c&recipient=d@e.f')).toBe('/v1/notifications?RECIPIENT=***&recipient=***');
    expect(maskRecipientQuery('/v1/notifications?status=failed')).toBe('/v1/notifications?status=failed');
  });
});
