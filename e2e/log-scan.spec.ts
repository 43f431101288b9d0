import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markedPersonalValues, personalDataInServiceLogs } from './log-scan';

describe('personalDataInServiceLogs', () => {
  it('finds an address in a service log, and ignores the infrastructure logs and the sender address', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    writeFileSync(join(dir, 'notifications.log'), '{"msg":"sent from no-reply@feedback.local"}\n{"msg":"to ann@mail.example"}\n');
    writeFileSync(join(dir, 'maildev.log'), 'Received: no-reply@feedback.local -> bob@mail.example\n');
    writeFileSync(join(dir, 'requests.log'), '{"req":{"url":"/v1/notifications?recipient=[REDACTED]"}}\n');
    expect(personalDataInServiceLogs(dir)).toEqual(['notifications.log: ann@mail.example']);
  });
});

describe('personalDataInServiceLogs with the values a run marked personal', () => {
  it('finds a marked name, phone number or comment in a service log, also JSON-escaped, and ignores values too short to tell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    writeFileSync(join(dir, 'requests.log'), '{"msg":"answer from Zoë \\"Jo\\" Janssens"}\n{"msg":"score 4"}\n');
    writeFileSync(join(dir, 'feedback-store.log'), '{"msg":"call +32 470 12 34 56"}\n');
    const values = ['Zoë "Jo" Janssens', '+32 470 12 34 56', 'never logged comment', '4'];
    expect(personalDataInServiceLogs(dir, values).sort()).toEqual(['feedback-store.log: +32 470 12 34 56', 'requests.log: Zoë "Jo" Janssens']);
  });

  it('reads the marked values back, one JSON string per line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'values-')), 'personal-values.jsonl');
    writeFileSync(file, `${JSON.stringify('Pat Doe')}\n${JSON.stringify('line\nbreak')}\n`);
    expect(markedPersonalValues(file)).toEqual(['Pat Doe', 'line\nbreak']);
    expect(markedPersonalValues(`${file}.missing`)).toEqual([]);
  });
});
