import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mongo, type Connection } from 'mongoose';
import { KeyRing } from '@feedback/pii';
import type { UnrecordedFile } from '../../../domain/documentation.policy';
import type { AcceptedFileType, DocumentationFile } from '../../../domain/report.types';

export const DOCUMENTATION_FILES_BUCKET = 'documentation_files';

interface FileMetadata {
  reportId: string;
  contentType: AcceptedFileType;
  size: number;
  /** How the stored bytes were sealed: AES-256-GCM of the file's base64, bound to the report. */
  keyId: string;
  iv: string;
  tag: string;
  /** Until the report records the file (see markRecorded): what the orphan sweep looks at. */
  unrecorded?: true;
  /** Once the report has recorded it. A file with neither mark was stored before the marks existed. */
  recorded?: true;
}

/** A file is sealed bound to its report: its bytes can't be passed off as another report's evidence. */
const fileContext = (reportId: string) => `documentation-file:${reportId}`;

/**
 * The reviewers' files, in GridFS, encrypted at rest with the platform key
 * ring: the chunks hold ciphertext only, the metadata the key id, IV and tag.
 */
@Injectable()
export class DocumentationFileRepository implements OnModuleInit {
  private readonly log = new Logger('DocumentationFiles');
  private bucketInstance?: mongo.GridFSBucket;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly keyRing: KeyRing,
  ) {}

  /** The unrecorded files, oldest first: the orphan sweep's one query. */
  async onModuleInit(): Promise<void> {
    await this.filesCollection().createIndex({ 'metadata.unrecorded': 1, uploadDate: 1 });
    // Files stored before the marks existed are handed to the sweep, which keeps (and marks) those a report names.
    const legacy = await this.filesCollection().updateMany({ 'metadata.unrecorded': { $exists: false }, 'metadata.recorded': { $exists: false } }, { $set: { 'metadata.unrecorded': true } });
    if (legacy.modifiedCount > 0) this.log.log(`${legacy.modifiedCount} documentation file(s) from before the orphan sweep handed to it`);
  }

  private filesCollection() {
    if (!this.connection.db) throw new Error('MongoDB is not connected');
    return this.connection.db.collection<{ _id: string; uploadDate: Date; metadata?: FileMetadata }>(`${DOCUMENTATION_FILES_BUCKET}.files`);
  }

  private get bucket(): mongo.GridFSBucket {
    if (!this.bucketInstance) {
      if (!this.connection.db) throw new Error('MongoDB is not connected');
      this.bucketInstance = new mongo.GridFSBucket(this.connection.db, { bucketName: DOCUMENTATION_FILES_BUCKET });
    }
    return this.bucketInstance;
  }

  async store(reportId: string, bytes: Buffer, contentType: AcceptedFileType): Promise<DocumentationFile> {
    const fileId = randomUUID();
    const sealed = this.keyRing.seal(bytes.toString('base64'), fileContext(reportId));
    const metadata: FileMetadata = { reportId, contentType, size: bytes.length, keyId: sealed.keyId, iv: sealed.iv, tag: sealed.tag, unrecorded: true };
    await pipeline(Readable.from([Buffer.from(sealed.ciphertext, 'base64')]), this.bucket.openUploadStreamWithId(fileId as never, `documentation-${reportId}`, { metadata }));
    return { fileId, contentType, size: bytes.length };
  }

  /** The original bytes of a report's file, or undefined when it is gone. */
  async read(reportId: string, fileId: string): Promise<Buffer | undefined> {
    const file = await this.bucket.find({ _id: fileId as never }).next();
    const metadata = file?.metadata as FileMetadata | undefined;
    if (!file || metadata?.reportId !== reportId) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(fileId as never)) chunks.push(chunk as Buffer);
    const base64 = this.keyRing.open({ keyId: metadata.keyId, iv: metadata.iv, tag: metadata.tag, ciphertext: Buffer.concat(chunks).toString('base64') }, fileContext(reportId));
    return Buffer.from(base64, 'base64');
  }

  /** The report has recorded the file: the orphan sweep leaves it alone from now on. */
  async markRecorded(fileId: string): Promise<void> {
    await this.filesCollection().updateOne({ _id: fileId }, { $unset: { 'metadata.unrecorded': '' }, $set: { 'metadata.recorded': true } });
  }

  /** Files stored before `before` that no report has been seen to record yet, oldest first. */
  async findUnrecorded(before: Date, limit: number): Promise<UnrecordedFile[]> {
    const docs = await this.filesCollection()
      .find({ 'metadata.unrecorded': true, uploadDate: { $lt: before } }, { projection: { uploadDate: 1, 'metadata.reportId': 1 } })
      .sort({ uploadDate: 1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => ({ fileId: doc._id, reportId: doc.metadata?.reportId ?? '', uploadedAt: doc.uploadDate }));
  }

  /** Removes a file whose documentation could not be recorded (a lost race); a missing file is fine. */
  async remove(fileId: string): Promise<void> {
    try {
      await this.bucket.delete(fileId as never);
    } catch (error) {
      if (!/not found/i.test((error as Error).message)) throw error;
    }
  }
}
