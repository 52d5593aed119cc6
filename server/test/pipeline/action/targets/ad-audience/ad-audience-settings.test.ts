import { describe, expect, it } from 'vitest';
import {
  adAudienceSettingsSchema,
  readListId,
} from '../../../../../src/pipeline/action/targets/ad-audience/ad-audience-settings';

describe('Ad_Audience Settings__c and Target__c', () => {
  it('accepts each platform, and a Google customer id with or without dashes', () => {
    expect(adAudienceSettingsSchema.parse({ platform: 'meta' })).toEqual({ platform: 'meta' });
    expect(adAudienceSettingsSchema.parse({ platform: 'google', customerId: '123-456-7890' })).toEqual({
      platform: 'google',
      customerId: '1234567890',
    });
    expect(adAudienceSettingsSchema.parse({ platform: 'google' })).toEqual({ platform: 'google' });
  });

  it('names the bad field: an unknown platform, a malformed customer id, an unexpected key', () => {
    const paths = (value: unknown) =>
      adAudienceSettingsSchema.safeParse(value).error?.issues.map((issue) => issue.path.join('.'));
    expect(paths({ platform: 'linkedin' })).toEqual(['platform']);
    expect(paths({ platform: 'google', customerId: '12345' })).toEqual(['customerId']);
    expect(paths({ platform: 'meta', audienceId: '1' })).toEqual(['']);
  });

  it('reads Target__c as a list id of digits', () => {
    expect(readListId(' 555000111 ')).toEqual({ ok: true, id: '555000111' });
    expect(readListId('customers/1/userLists/2')).toMatchObject({ ok: false });
  });
});
