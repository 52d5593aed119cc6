import type { RecordObject } from '../domain/mirror-record';
import { isAllNode, type Filter } from '../pipeline/segments/filter';
import type { LoopConfig, SourceConfig } from './loop-config';

/**
 * What the loop includes of one object: a record is included when ANY active Salesforce source of its object
 * includes it, so the sources' filters are OR-ed into one (the evaluator and the SOQL compiler both read `any`).
 * Change intake, re-reads and reconciliation decide on this, never on one source alone.
 */
export interface ObjectInclusion {
  object: RecordObject;
  filter: Filter;
  sourceIds: string[];
}

const EVERY_RECORD: Filter = { all: [] };

export function objectInclusion(config: Pick<LoopConfig, 'sources'>, object: string): ObjectInclusion | undefined {
  const sources: SourceConfig[] = config.sources.filter((s) => s.object === object);
  const first = sources[0];
  if (!first) return undefined;
  const includesAll = sources.some((s) => isAllNode(s.filter) && s.filter.all.length === 0);
  const filter = includesAll
    ? EVERY_RECORD
    : sources.length === 1
      ? first.filter
      : { any: sources.map((s) => s.filter) };
  return { object: first.object, filter, sourceIds: sources.map((s) => s.id) };
}
