import { describe, expect, it } from 'vitest';
import { fieldsOfFilter } from '../../../../src/pipeline/segments/filter/filter-fields';
import { parseFilter } from '../../../../src/pipeline/segments/filter/filter-schema';

describe('fieldsOfFilter', () => {
  it('when a filter names fields at any depth, then each is listed once in document order', () => {
    const filter = parseFilter({
      all: [
        { field: 'Title', op: 'is_blank' },
        { any: [{ field: 'account.Industry', op: 'eq', value: 'x' }, { not: { field: 'Email', op: 'is_blank' } }] },
        { field: 'TITLE', op: 'contains', value: 'vp' },
      ],
    });
    expect(fieldsOfFilter(filter)).toEqual(['Title', 'Account.Industry', 'Email']);
  });

  it('when the filter matches everything, then no field is named', () => {
    expect(fieldsOfFilter({ all: [] })).toEqual([]);
  });
});
