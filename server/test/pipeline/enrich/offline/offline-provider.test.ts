import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_KEYS, attributeValueSchema, type AttributeKey } from '../../../../src/domain/attributes';
import {
  computeOfflineAttributes,
  OFFLINE_ATTRIBUTE_INPUTS,
  OFFLINE_ATTRIBUTE_KEYS,
  OFFLINE_INPUT_FIELDS,
  type OfflineInput,
} from '../../../../src/pipeline/enrich/offline/offline-provider';

const fixedNow = new Date('2026-11-28T12:00:00.000Z');
const options = { defaultRegion: 'US', now: () => fixedNow };
const allOffline: AttributeKey[] = [...OFFLINE_ATTRIBUTE_KEYS];

const contact: OfflineInput = {
  Email: ' Jane.Doe@ACME.com ',
  Phone: '020 7946 0958',
  MobilePhone: '+44 7400 123456',
  FirstName: 'JANE',
  LastName: "o'brien",
  Title: 'VP of Revenue Operations',
  LinkedIn_URL__c: 'uk.linkedin.com/in/Jane-Doe/',
  MailingCountry: 'United Kingdom',
  'Account.Website': 'https://www.acme.com/about',
};

const valuesByKey = (input: OfflineInput, wanted: AttributeKey[] = allOffline) =>
  Object.fromEntries(
    computeOfflineAttributes(input, wanted, options).map((attribute) => [attribute.key, attribute.value]),
  );

describe('computeOfflineAttributes', () => {
  it('when a full Contact is given, then every offline attribute is computed', () => {
    expect(valuesByKey(contact)).toEqual({
      'person.email_normalized': 'Jane.Doe@acme.com',
      'person.email_status': 'valid_format',
      'person.phone_e164': '+442079460958',
      'person.phone_type': 'fixed_line',
      'person.first_name': 'Jane',
      'person.last_name': "O'Brien",
      'person.seniority': 'VP',
      'person.department': 'Operations',
      'person.linkedin_url': 'https://www.linkedin.com/in/jane-doe',
      'company.domain': 'acme.com',
    });
  });

  it('when values are computed, then each has provider offline, a confidence in 0..1, the given time and passes the attribute schema', () => {
    const attributes = computeOfflineAttributes(contact, allOffline, options);
    expect(attributes).toHaveLength(OFFLINE_ATTRIBUTE_KEYS.length);
    for (const attribute of attributes) {
      expect(attribute.provider).toBe('offline');
      expect(attribute.fetchedAt).toBe('2026-11-28T12:00:00.000Z');
      expect(attribute.confidence).toBeGreaterThan(0);
      expect(attribute.confidence).toBeLessThanOrEqual(1);
      expect(attributeValueSchema.safeParse(attribute).success).toBe(true);
    }
  });

  it('when a subset is wanted, then only that subset is returned, in the order asked, without duplicates', () => {
    const attributes = computeOfflineAttributes(
      contact,
      ['person.seniority', 'person.email_status', 'person.seniority'],
      options,
    );
    expect(attributes.map((attribute) => attribute.key)).toEqual(['person.seniority', 'person.email_status']);
  });

  it('when keys only paid providers produce are wanted, then they are ignored', () => {
    expect(computeOfflineAttributes(contact, ['person.work_email', 'company.industry'], options)).toEqual([]);
  });

  it('when nothing is wanted, then nothing is returned', () => {
    expect(computeOfflineAttributes(contact, [], options)).toEqual([]);
  });

  it('when the record is empty, then no attribute is returned', () => {
    expect(computeOfflineAttributes({}, allOffline, options)).toEqual([]);
  });

  it('when inputs are blank or null, then their attributes are absent', () => {
    const values = valuesByKey({ Email: '', Phone: null, FirstName: '  ', LastName: 'SMITH', Title: null });
    expect(values).toEqual({ 'person.last_name': 'Smith' });
  });

  it('when the email is invalid, then the status is invalid and there is no normalised email nor company domain', () => {
    expect(valuesByKey({ Email: 'tom.hill@@initech' })).toEqual({ 'person.email_status': 'invalid' });
  });

  it('when a Lead has no website, then the company domain comes from a work email', () => {
    const attributes = computeOfflineAttributes({ Email: 'sam@initech.io' }, ['company.domain'], options);
    expect(attributes).toMatchObject([{ key: 'company.domain', value: 'initech.io', confidence: 0.8 }]);
  });

  it('when the email is free-mail and there is no website, then there is no company domain', () => {
    expect(valuesByKey({ Email: 'joe@gmail.com' }, ['company.domain'])).toEqual({});
  });

  it("when a Lead has its own Website, then it is preferred to the email's domain", () => {
    expect(valuesByKey({ Website: 'globex.com', Email: 'sam@initech.io' }, ['company.domain'])).toEqual({
      'company.domain': 'globex.com',
    });
  });

  it('when the record has no country, then a national number is read in the default region', () => {
    const attributes = computeOfflineAttributes({ Phone: '(415) 555-0132 x123' }, ['person.phone_e164'], {
      ...options,
      defaultRegion: 'US',
    });
    expect(attributes).toMatchObject([{ value: '+14155550132', confidence: 0.8 }]);
  });

  it.each([
    [{ MailingCountry: 'UK' }],
    [{ Country: 'United Kingdom' }],
    [{ BillingCountry: 'GB' }],
    [{ 'Account.BillingCountry': 'Great Britain' }],
  ])('when the country field is %j, then a national number is read in that country', (country) => {
    const attributes = computeOfflineAttributes({ Phone: '020 7946 0958', ...country }, ['person.phone_e164'], options);
    expect(attributes).toMatchObject([{ value: '+442079460958', confidence: 0.95 }]);
  });

  it("when the Contact's own country and its Account's differ, then the Contact's wins", () => {
    const values = valuesByKey(
      { Phone: '030 123456', MailingCountry: 'Germany', 'Account.BillingCountry': 'United Kingdom' },
      ['person.phone_e164'],
    );
    expect(values).toEqual({ 'person.phone_e164': '+4930123456' });
  });

  it('when Phone is unusable and MobilePhone is valid, then the mobile number is used', () => {
    expect(
      valuesByKey({ Phone: '555-0132', MobilePhone: '+44 7400 123456' }, ['person.phone_e164', 'person.phone_type']),
    ).toEqual({
      'person.phone_e164': '+447400123456',
      'person.phone_type': 'mobile',
    });
  });

  it('when the phone number is not valid, then there is no phone attribute', () => {
    expect(valuesByKey({ Phone: '555-0132' }, ['person.phone_e164', 'person.phone_type'])).toEqual({});
  });

  it('when a phone arrives as a number, then it is read as text', () => {
    expect(valuesByKey({ Phone: 14155550132 }, ['person.phone_e164'])).toEqual({ 'person.phone_e164': '+14155550132' });
  });

  it('when a field holds something other than text, then it counts as absent', () => {
    expect(valuesByKey({ Email: { nested: true } as unknown as string }, ['person.email_status'])).toEqual({});
  });

  it('when the title has a rank word, then seniority is more confident than the Entry default', () => {
    const [manager] = computeOfflineAttributes({ Title: 'Sales Manager' }, ['person.seniority'], options);
    const [entry] = computeOfflineAttributes({ Title: 'Consultant' }, ['person.seniority'], options);
    expect(manager?.confidence).toBeGreaterThan(entry?.confidence ?? 1);
  });

  it('when the default region is not a phone region, then it throws', () => {
    expect(() => computeOfflineAttributes(contact, allOffline, { ...options, defaultRegion: 'XX' })).toThrow(
      /defaultRegion/,
    );
  });
});

describe('offline declarations', () => {
  it('when the offline keys are listed, then each is an attribute key of DESIGN.md §8', () => {
    for (const key of OFFLINE_ATTRIBUTE_KEYS) expect(ATTRIBUTE_KEYS).toContain(key);
  });

  it('when the input fields per object are listed, then Contact, Lead and Account read the documented fields', () => {
    expect(OFFLINE_INPUT_FIELDS.Contact).toEqual(expect.arrayContaining(['MailingCountry', 'Account.Website']));
    expect(OFFLINE_INPUT_FIELDS.Lead).toEqual(expect.arrayContaining(['Country', 'Website']));
    expect(OFFLINE_INPUT_FIELDS.Account).toEqual(expect.arrayContaining(['Website', 'BillingCountry', 'Phone']));
  });

  it('when an attribute declares its inputs, then each is a field some object mirrors', () => {
    const mirrored = new Set<string>(Object.values(OFFLINE_INPUT_FIELDS).flat());
    for (const fields of Object.values(OFFLINE_ATTRIBUTE_INPUTS)) {
      for (const field of fields) expect(mirrored).toContain(field);
    }
  });

  it('when an offline-shaped value breaks the rule of its key, then the attribute schema rejects it', () => {
    const base = { provider: 'offline', confidence: 1, fetchedAt: fixedNow.toISOString() };
    expect(attributeValueSchema.safeParse({ ...base, key: 'person.seniority', value: 'Boss' }).success).toBe(false);
    expect(attributeValueSchema.safeParse({ ...base, key: 'person.phone_e164', value: '415 555' }).success).toBe(false);
    expect(attributeValueSchema.safeParse({ ...base, key: 'company.domain', value: 'localhost' }).success).toBe(false);
    expect(
      attributeValueSchema.safeParse({ ...base, key: 'person.seniority', value: 'VP', confidence: 2 }).success,
    ).toBe(false);
  });
});
