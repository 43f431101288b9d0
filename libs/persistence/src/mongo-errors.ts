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

/**
 * For an unordered bulk write whose only failures are duplicate keys: the
 * positions of those writes (the others were applied). Undefined when the
 * error is anything else, which the caller must rethrow.
 */
export function duplicateKeyPositions(error: unknown): Set<number> | undefined {
  const e = error as { writeErrors?: { code?: number; index?: number } | { code?: number; index?: number }[] } | null;
  if (e?.writeErrors === undefined || !isDuplicateKeyError(error)) return undefined;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  if (writeErrors.some((w) => typeof w.index !== 'number')) return undefined;
  return new Set(writeErrors.map((w) => w.index!));
}
