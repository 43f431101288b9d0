import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personalDataInServiceLogs } from './log-scan';

describe('personalDataInServiceLogs', () => {
  it('finds an address in a service log, and ignores the infrastructure logs and the sender address', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    writeFileSync(join(dir, 'notifications.log'), '{"msg":"sent from no-reply@feedback.local"}\n{"msg":"to ann@mail.example"}\n');
    writeFileSync(join(dir, 'maildev.log'), 'Received: no-reply@feedback.local -> bob@mail.example\n');
    writeFileSync(join(dir, 'requests.log'), '{"req":{"url":"/v1/notifications?recipient=[REDACTED]"}}\n');
    expect(personalDataInServiceLogs(dir)).toEqual(['notifications.log: ann@mail.example']);
  });
});
