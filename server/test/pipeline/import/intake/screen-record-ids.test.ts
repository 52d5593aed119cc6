import { describe, expect, it } from 'vitest';
import { screenRecordIds } from '../../../../src/pipeline/import/intake/screen-record-ids';

describe('screenRecordIds', () => {
  it('when ids are 15 or 18 letters and digits, then they are valid', () => {
    expect(screenRecordIds(['0035g00000AbCdE', '0035g00000AbCdEAAZ'])).toEqual({
      valid: ['0035g00000AbCdE', '0035g00000AbCdEAAZ'],
      invalid: [],
      wildcard: false,
    });
  });

  it('when an entry is a key prefix and a star, then the whole object is meant', () => {
    expect(screenRecordIds(['003*'])).toEqual({ valid: [], invalid: [], wildcard: true });
  });

  it('when entries are SOQL, too short, too long or punctuated, then they are invalid and kept apart', () => {
    const valid = '0035g00000AbCdEAAZ';
    expect(screenRecordIds([valid, "' OR Id != null", '003', '0035g00000AbCdEAAZZ', '0035g00000AbC-E', '00*'])).toEqual(
      {
        valid: [valid],
        invalid: ["' OR Id != null", '003', '0035g00000AbCdEAAZZ', '0035g00000AbC-E', '00*'],
        wildcard: false,
      },
    );
  });
});
