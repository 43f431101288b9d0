import { attemptDelivery, classifySendFailure, deliveryEventId, deterministicUuid, MAX_SEND_ATTEMPTS, profileWait, redactAddresses, retryDelayMs } from './delivery.policy';

describe('deterministicUuid', () => {
  it('is RFC 9562 version 5 (matches the reference vector for www.example.com in the DNS namespace)', () => {
    expect(deterministicUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives EmailSent and EmailFailed of one delivery stable, distinct ids', () => {
    expect(deliveryEventId('n-1', 'EmailSent')).toBe(deliveryEventId('n-1', 'EmailSent'));
    expect(deliveryEventId('n-1', 'EmailSent')).not.toBe(deliveryEventId('n-1', 'EmailFailed'));
    expect(deliveryEventId('n-1', 'EmailSent')).not.toBe(deliveryEventId('n-2', 'EmailSent'));
  });
});

describe('retryDelayMs', () => {
  it('doubles from half a second and is capped at 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
});

describe('classifySendFailure', () => {
  it('never retries a 5xx reply, and keeps the address out of the reason', () => {
    const verdict = classifySendFailure({ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 <ann@example.com>: Recipient address rejected' });
    expect(verdict.retry).toBe(false);
    expect(verdict.reason).toBe('SMTP 550: 550 5.1.1 [address]: Recipient address rejected');
  });

  it('retries 4xx replies and connection, timeout and socket errors', () => {
    expect(classifySendFailure({ code: 'EENVELOPE', responseCode: 451, response: '451 4.7.1 greylisted' }).retry).toBe(true);
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(classifySendFailure({ code, message: 'connect failed' }).retry).toBe(true);
    }
    expect(classifySendFailure({}).retry).toBe(true);
  });

  it('does not retry configuration or credential problems without a reply', () => {
    expect(classifySendFailure({ code: 'EAUTH', message: 'Invalid login' }).retry).toBe(false);
    expect(classifySendFailure({ code: 'EENVELOPE', message: 'No recipients defined' }).retry).toBe(false);
  });

  it('caps the reason at 500 characters', () => {
    expect(classifySendFailure({ responseCode: 554, response: 'x'.repeat(2000) }).reason.length).toBe(500);
  });
});

describe('redactAddresses', () => {
  it('hides plain and bracketed addresses', () => {
    expect(redactAddresses('to bob.smith+tag@mail.example.org and <x@y.z> failed')).toBe('to [address] and [address] failed');
  });

  it('hides addresses with a quoted local part, spaces included', () => {
    expect(redactAddresses('550 5.1.1 "ann smith"@example.com: no such user')).toBe('550 5.1.1 [address]: no such user');
    expect(redactAddresses('rcpt <"a@b"@example.com> refused')).toBe('rcpt [address] refused');
  });
});

describe('attemptDelivery', () => {
  const noSleep = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };
  const failing = (errors: unknown[]) => {
    let call = 0;
    return async () => {
      const error = errors[call++];
      if (error) throw error;
    };
  };

  it('sends on the first attempt when the server accepts', async () => {
    const { waits, sleep } = noSleep();
    await expect(attemptDelivery(async () => undefined, sleep)).resolves.toEqual({ sent: true, attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('retries transient failures with growing waits, then succeeds', async () => {
    const { waits, sleep } = noSleep();
    const attempts: number[] = [];
    const send = failing([{ code: 'ECONNECTION' }, { responseCode: 421, response: '421 try later' }]);
    await expect(attemptDelivery(send, sleep, { onAttempt: async (n) => void attempts.push(n) })).resolves.toEqual({ sent: true, attempts: 3 });
    expect(waits).toEqual([500, 1000]);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after the bounded number of attempts', async () => {
    const { waits, sleep } = noSleep();
    const result = await attemptDelivery(failing(Array.from({ length: 10 }, () => ({ code: 'ECONNECTION', message: 'refused' }))), sleep);
    // An unreachable server is flagged: the pipeline keeps such an email pending rather than failing it.
    expect(result).toEqual({ sent: false, attempts: MAX_SEND_ATTEMPTS, reason: `gave up after ${MAX_SEND_ATTEMPTS} attempts: ECONNECTION: refused`, unreachable: true });
    expect(waits).toEqual([500, 1000, 2000, 4000]);
  });

  it('gives a message the server keeps deferring (4xx) up for good after the bounded attempts', async () => {
    const { sleep } = noSleep();
    const result = await attemptDelivery(failing(Array.from({ length: 10 }, () => ({ responseCode: 452, response: '452 mailbox full' }))), sleep);
    expect(result).toMatchObject({ sent: false, attempts: MAX_SEND_ATTEMPTS, unreachable: false });
  });

  it('stops at once on a permanent failure', async () => {
    const { waits, sleep } = noSleep();
    const result = await attemptDelivery(failing([{ responseCode: 550, response: '550 mailbox unavailable' }]), sleep);
    expect(result).toEqual({ sent: false, attempts: 1, reason: 'SMTP 550: 550 mailbox unavailable' });
    expect(waits).toEqual([]);
  });
});

describe('profileWait', () => {
  const t0 = new Date('2026-11-24T10:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('waits, from the first wait, until the wait is over: no retry is polled meanwhile (the profile arriving releases it)', () => {
    expect(profileWait(undefined, t0, 600_000)).toEqual({ wait: true, since: t0, retryAt: at(600_000) });
    expect(profileWait(t0, at(1000), 600_000)).toEqual({ wait: true, since: t0, retryAt: at(600_000) });
    expect(profileWait(t0, at(599_999), 600_000)).toEqual({ wait: true, since: t0, retryAt: at(600_000) });
  });

  it('gives up once the wait is over, and never waits with no wait allowed', () => {
    expect(profileWait(t0, at(10_000), 10_000)).toEqual({ wait: false });
    expect(profileWait(t0, at(20_000), 10_000)).toEqual({ wait: false });
    expect(profileWait(undefined, t0, 0)).toEqual({ wait: false });
  });
});
