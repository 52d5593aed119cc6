import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFieldBitmap, type BitmapLayout } from './field-bitmap';

type Sample = Record<string, unknown> & { ChangeEventHeader: { changedFields: string[] } };

const sample = (name: string): Sample =>
  JSON.parse(readFileSync(path.resolve('test/emulators/salesforce/fixtures', name), 'utf8')) as Sample;

/** The sample's key order is its writer schema's field order (the decoded record lists every field). */
function layoutOf(event: Sample): BitmapLayout {
  const components = new Map<string, string[]>();
  for (const [key, value] of Object.entries(event))
    if (key !== 'ChangeEventHeader' && value && typeof value === 'object') components.set(key, Object.keys(value));
  return { topLevel: Object.keys(event), components };
}

describe('field bitmaps of Pub/Sub change events', () => {
  it("encodes Trailhead's Employee__c update as 0x0320 (LastModifiedDate, First_Name__c, Tenure__c)", () => {
    const event = sample('cdc-pubsub-employee-update-bitmap.trailhead.json');
    expect(encodeFieldBitmap(['LastModifiedDate', 'First_Name__c', 'Tenure__c'], layoutOf(event))).toEqual(
      event.ChangeEventHeader.changedFields,
    );
  });

  it("encodes the docs' BillingAddress.Street update as 0x400000 plus 4-0x01", () => {
    const event = sample('cdc-pubsub-update-account-compound-bitmap.sfdocs.json');
    expect(encodeFieldBitmap(['LastModifiedDate', 'BillingAddress.Street'], layoutOf(event))).toEqual(
      event.ChangeEventHeader.changedFields,
    );
  });

  it('keeps a top-level element first when only components are listed, and is empty for no fields', () => {
    const layout = layoutOf(sample('cdc-pubsub-update-account-compound-bitmap.sfdocs.json'));
    expect(encodeFieldBitmap(['BillingAddress.City'], layout)).toEqual(['0x00', '4-0x02']);
    expect(encodeFieldBitmap([], layout)).toEqual([]);
  });
});
