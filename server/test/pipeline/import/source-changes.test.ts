import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../src/config/loop-config';
import { sourceChanges } from '../../../src/pipeline/import/source-changes';

const source = (id: string, object: SourceConfig['object'], filter: SourceConfig['filter'] = { all: [] }) => ({
  id,
  name: id,
  object,
  filter,
});

describe('sourceChanges', () => {
  it('when nothing about the sources changed, then no object is touched', () => {
    const sources = [source('a', 'Lead'), source('b', 'Contact', { field: 'Title', op: 'eq', value: 'CEO' })];
    expect(sourceChanges({ sources }, { sources: sources.map((s) => ({ ...s, name: 'renamed' })) })).toEqual([]);
  });

  it('when a filter changes, a source goes, one is added or moves object, then each object and changed source is named', () => {
    const previous = [source('a', 'Lead'), source('b', 'Contact'), source('c', 'Account')];
    const next = [
      source('a', 'Lead', { field: 'Company', op: 'eq', value: 'Acme' }),
      source('c', 'Contact'),
      source('d', 'Account'),
    ];
    const changes = sourceChanges({ sources: previous }, { sources: next });
    expect(changes).toEqual(
      expect.arrayContaining([
        { object: 'Lead', changedSourceIds: ['a'] },
        { object: 'Contact', changedSourceIds: ['b'] },
        { object: 'Account', changedSourceIds: ['c'] },
      ]),
    );
    expect(changes).toHaveLength(3);
  });
});
