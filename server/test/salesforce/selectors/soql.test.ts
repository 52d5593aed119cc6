import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { composeQuery, parseQuery } from '../../../src/salesforce/selectors/soql';

describe('soql-parser interop', () => {
  it('when loaded under vitest, then composeQuery and parseQuery are functions', () => {
    expect(composeQuery(parseQuery("SELECT Id FROM Contact WHERE Title = 'x'"))).toBe(
      "SELECT Id FROM Contact WHERE Title = 'x'",
    );
  });

  it('when loaded by plain Node through tsx (as npm start does), then buildQuery works too', () => {
    // Node's ESM loader cannot see the CommonJS bundle's named exports; this guards the interop shim.
    const script =
      "import { buildQuery } from './server/src/pipeline/segments/filter/compile-filter-to-soql.ts';" +
      "console.log(buildQuery({ object: 'Contact', fields: ['Id'], filter: { field: 'Title', op: 'eq', value: 'x' } }));";
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(output.trim()).toBe("SELECT Id FROM Contact WHERE Title = 'x'");
  });
});
