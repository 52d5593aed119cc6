import type { LoopConfig, SourceConfig } from '../../config/loop-config';
import type { RecordObject } from '../../domain/mirror-record';

/** What changed in one object's sources between two loaded configurations. */
export interface ObjectSourceChange {
  object: RecordObject;
  /** Sources that no longer include what they did: deactivated, deleted, now invalid, or another filter/object. */
  changedSourceIds: string[];
}

const signature = (source: SourceConfig) => `${source.object}\u0000${JSON.stringify(source.filter)}`;

/**
 * The objects whose active Salesforce sources differ between `previous` and `next` (a source added, removed, or
 * its filter or object changed), with the previous sources whose inclusion is no longer what it was. Pure: the
 * reload compares the configuration it had with the one it just loaded.
 */
export function sourceChanges(previous: Pick<LoopConfig, 'sources'>, next: Pick<LoopConfig, 'sources'>) {
  const nextById = new Map(next.sources.map((s) => [s.id, s]));
  const previousById = new Map(previous.sources.map((s) => [s.id, s]));
  const changes = new Map<RecordObject, ObjectSourceChange>();
  const touch = (object: RecordObject) => {
    let change = changes.get(object);
    if (!change) changes.set(object, (change = { object, changedSourceIds: [] }));
    return change;
  };
  for (const source of previous.sources) {
    const now = nextById.get(source.id);
    if (now && signature(now) === signature(source)) continue;
    touch(source.object).changedSourceIds.push(source.id);
    if (now) touch(now.object);
  }
  for (const source of next.sources) if (!previousById.has(source.id)) touch(source.object);
  return [...changes.values()];
}
