import { checkFile, decideSubmission, detectFileType, documentationStatus, formatBytes, UNRECORDED_FILE_GRACE_MS, unrecordedFileFate, validateDescription } from './documentation.policy';
import type { DocumentationRecord } from './report.types';

const now = new Date('2026-11-21T10:00:00.000Z');
const requested: DocumentationRecord = { requestedAt: new Date('2026-11-20T10:00:00.000Z'), expiresAt: new Date('2026-11-27T10:00:00.000Z') };
const bytes = (...values: number[]) => Uint8Array.from(values);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj', 'latin1');
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46);

describe('documentationStatus', () => {
  it('is requested, then submitted, or expired at the deadline even before anything records it', () => {
    expect(documentationStatus(undefined, now)).toBeUndefined();
    expect(documentationStatus(requested, now)).toBe('requested');
    expect(documentationStatus({ ...requested, submittedAt: now }, now)).toBe('submitted');
    expect(documentationStatus(requested, requested.expiresAt)).toBe('expired');
  });
});

describe('decideSubmission (R3)', () => {
  it('accepts documentation once, before the deadline, while the report is open', () => {
    expect(decideSubmission({ status: 'open', documentation: requested }, now).ok).toBe(true);
    expect(decideSubmission({ status: 'open', documentation: { ...requested, submittedAt: now } }, now)).toMatchObject({ refusal: { status: 409, code: 'already_submitted' } });
    expect(decideSubmission({ status: 'open', documentation: requested }, requested.expiresAt)).toMatchObject({ refusal: { status: 410, code: 'expired' } });
    expect(decideSubmission({ status: 'removed', documentation: requested }, now)).toMatchObject({ refusal: { status: 409, code: 'report_closed' } });
  });
  it('finds nothing for a report without a documentation step', () => {
    expect(decideSubmission(undefined, now)).toMatchObject({ refusal: { status: 404, code: 'not_found' } });
    expect(decideSubmission({ status: 'open' }, now)).toMatchObject({ refusal: { status: 404, code: 'not_found' } });
  });
});

describe('validateDescription', () => {
  it('needs a trimmed text of at most 5,000 characters', () => {
    expect(validateDescription('  We dined there on 3 May.  ')).toEqual({ ok: true, value: 'We dined there on 3 May.' });
    expect(validateDescription('   ')).toEqual({ ok: false, error: 'required' });
    expect(validateDescription(undefined)).toEqual({ ok: false, error: 'required' });
    expect(validateDescription(42)).toEqual({ ok: false, error: 'required' });
    expect(validateDescription('x'.repeat(5000)).ok).toBe(true);
    expect(validateDescription('x'.repeat(5001))).toEqual({ ok: false, error: 'too_long' });
  });
});

describe('detectFileType: by content, never by name', () => {
  it('knows PDF, PNG and JPEG by their magic bytes', () => {
    expect(detectFileType(PDF)).toBe('application/pdf');
    expect(detectFileType(PNG)).toBe('image/png');
    expect(detectFileType(JPEG)).toBe('image/jpeg');
  });
  it('refuses everything else, including near misses', () => {
    expect(detectFileType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectFileType(Buffer.from('<html><body>%PDF-'))).toBeUndefined();
    expect(detectFileType(Buffer.from('%PDF'))).toBeUndefined();
    expect(detectFileType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeUndefined();
    expect(detectFileType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(detectFileType(Buffer.from('MZ\x90\x00'))).toBeUndefined();
    expect(detectFileType(new Uint8Array())).toBeUndefined();
  });
});

describe('checkFile', () => {
  it('refuses a file above the limit with 413, then a wrong type with 415', () => {
    expect(checkFile(PNG, 1024)).toEqual({ ok: true, value: 'image/png' });
    expect(checkFile(Buffer.concat([PDF, Buffer.alloc(2000)]), 1024)).toMatchObject({ refusal: { status: 413, code: 'payload_too_large' } });
    expect(checkFile(Buffer.from('just text'), 1024)).toMatchObject({ refusal: { status: 415, code: 'unsupported_media_type' } });
  });
  it('tells limits in readable units', () => {
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatBytes(1536 * 1024)).toBe('1.5 MB');
    expect(formatBytes(200 * 1024)).toBe('200 KB');
  });
});

describe('unrecordedFileFate: a file stored for a report that never recorded it', () => {
  const uploadedAt = new Date('2026-12-06T10:00:00Z');
  const file = { fileId: 'f-1', reportId: 'r-1', uploadedAt };
  const after = (ms: number) => new Date(uploadedAt.getTime() + ms);

  it('is kept, and marked, when its report names it (the mark was lost), however old', () => {
    expect(unrecordedFileFate(file, 'f-1', after(0))).toBe('recorded');
    expect(unrecordedFileFate(file, 'f-1', after(30 * 86_400_000))).toBe('recorded');
  });

  it('waits out the grace, then is removed when its report names no file or another one', () => {
    expect(unrecordedFileFate(file, undefined, after(UNRECORDED_FILE_GRACE_MS - 1))).toBe('wait');
    expect(unrecordedFileFate(file, undefined, after(UNRECORDED_FILE_GRACE_MS))).toBe('remove');
    expect(unrecordedFileFate(file, 'f-2', after(UNRECORDED_FILE_GRACE_MS + 1))).toBe('remove');
  });
});
