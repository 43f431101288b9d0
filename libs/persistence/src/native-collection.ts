import type { Collection, Document } from 'mongodb';

/**
 * A model's collection through the driver alone: hot paths write with it,
 * since mongoose casts every operation and document it is handed (its
 * `insertMany` and `bulkWrite` were an order of magnitude slower in the bench).
 */
export function nativeCollection<T extends Document = Document>(model: { collection: unknown }): Collection<T> {
  return model.collection as unknown as Collection<T>;
}
