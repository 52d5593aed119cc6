/** One record's identifiers on their way to a platform, tied to the application they serve. */
import type { HashedIdentifiers } from './ad-identifiers';

export interface AdRow {
  /** The application key: results are reported under it. */
  key: string;
  identifiers: HashedIdentifiers;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
