import type { Decision } from './decision.types';
import { refuse } from './decision.types';
import type { AcceptedFileType, DocumentationRecord, DocumentationStatus, Report } from './report.types';

export const MAX_DESCRIPTION_LENGTH = 5000;

/** The documentation text is sealed bound to its report: it can't be moved to another one. */
export const documentationContext = (reportId: string): string => `documentation:${reportId}`;

/** Where documentation stands now: a request past its deadline is expired even before anything records it. */
export function documentationStatus(documentation: DocumentationRecord | undefined, now: Date): DocumentationStatus | undefined {
  if (!documentation) return undefined;
  if (documentation.submittedAt) return 'submitted';
  return documentation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'requested';
}

/**
 * May the reviewer send documentation for this report now? (R3) Once only,
 * before the deadline, and while the integrity team has not decided yet.
 */
export function decideSubmission(report: Pick<Report, 'status' | 'documentation'> | undefined, now: Date): Decision<true> {
  const status = documentationStatus(report?.documentation, now);
  if (!report || !status) return refuse(404, 'not_found', 'this link does not lead to a documentation request');
  if (status === 'submitted') return refuse(409, 'already_submitted', 'documentation for this report has already been sent');
  if (report.status !== 'open') return refuse(409, 'report_closed', 'the integrity team has already decided on this report');
  if (status === 'expired') return refuse(410, 'expired', 'the time to send documentation for this report has passed');
  return { ok: true, value: true };
}

export type DocumentationFieldErrors = Partial<Record<'description', 'required' | 'too_long'> & Record<'file', 'too_large' | 'unsupported_type'>>;

/** The description is required, trimmed, and at most 5,000 characters. */
export function validateDescription(description: unknown): { ok: true; value: string } | { ok: false; error: 'required' | 'too_long' } {
  const text = typeof description === 'string' ? description.trim() : '';
  if (!text) return { ok: false, error: 'required' };
  if (text.length > MAX_DESCRIPTION_LENGTH) return { ok: false, error: 'too_long' };
  return { ok: true, value: text };
}

const startsWith = (bytes: Uint8Array, signature: readonly number[]) => bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);

/**
 * The type of a file by its content, never by its name or the type the
 * browser claims: PDF (`%PDF-`), PNG (its 8-byte signature) or JPEG (SOI
 * marker followed by another marker). Anything else is refused.
 */
export function detectFileType(bytes: Uint8Array): AcceptedFileType | undefined {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  return undefined;
}

/** Checks an attached file: its size against the limit (413), then its content type (415). */
export function checkFile(bytes: Uint8Array, maxBytes: number): Decision<AcceptedFileType> {
  if (bytes.length > maxBytes) return refuse(413, 'payload_too_large', `the file is larger than the ${formatBytes(maxBytes)} limit`);
  const type = detectFileType(bytes);
  if (!type) return refuse(415, 'unsupported_media_type', 'the file must be a PDF, PNG or JPEG file');
  return { ok: true, value: type };
}

/** `5242880` -> `5 MB`: how a limit is told to people. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

/**
 * How long a stored file may wait for its report to record it. A file is
 * stored before the report records it (the record must never name a file that
 * is not there); the two are milliseconds apart, so a file older than this that
 * its report does not name was left by a crash or a failed write in between.
 */
export const UNRECORDED_FILE_GRACE_MS = 10 * 60_000;

/** A stored documentation file its report has not been seen to record. */
export interface UnrecordedFile {
  fileId: string;
  reportId: string;
  uploadedAt: Date;
}

/**
 * What becomes of such a file: `recorded` when its report names it (the mark
 * was lost), `remove` once the grace is over and it does not (the reviewer's
 * evidence must not outlive the attempt that failed), `wait` before that.
 */
export function unrecordedFileFate(file: UnrecordedFile, recordedFileId: string | undefined, now: Date, graceMs = UNRECORDED_FILE_GRACE_MS): 'recorded' | 'remove' | 'wait' {
  if (recordedFileId === file.fileId) return 'recorded';
  return now.getTime() - file.uploadedAt.getTime() >= graceMs ? 'remove' : 'wait';
}
