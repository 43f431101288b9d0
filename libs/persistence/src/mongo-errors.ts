/**
 * True for a duplicate-key error: the unique index that makes a write
 * idempotent said "already there". For a bulk write, true only when EVERY
 * failed write was a duplicate (the driver reports one error or several).
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as { code?: number; writeErrors?: { code?: number } | { code?: number }[] } | null;
  if (e?.writeErrors !== undefined) {
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
    return writeErrors.length > 0 && writeErrors.every((w) => w.code === 11000);
  }
  return e?.code === 11000;
}
