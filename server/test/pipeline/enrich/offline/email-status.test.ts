import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../../../src/pipeline/enrich/offline/email-normalized';
import { classifyEmail } from '../../../../src/pipeline/enrich/offline/email-status';

// Cases beyond the golden file: the rules behind it applied to inputs it does not list.
describe('classifyEmail', () => {
  it.each([
    ['someone@sub.mailinator.com', 'disposable'],
    ['MAIL@MAILINATOR.COM', 'disposable'],
    ['info+newsletter@acme.com', 'role'],
    ['No_Reply@acme.com', 'role'],
    ['noreply@acme.com', 'role'],
    ['Sales@Acme.com', 'role'],
    ['joe@googlemail.com', 'personal'],
    ['marie@orange.fr', 'personal'],
    ['joe@gmail.co', 'valid_format'],
    ['jürgen@müller.de', 'valid_format'],
    ['a.b-c_d@sub.example.com', 'valid_format'],
    ['infosec.lead@acme.com', 'valid_format'],
  ])('when the email is %s, then the status is %s', (raw, expected) => {
    expect(classifyEmail(raw)).toBe(expected);
  });

  it.each([
    ['.jane@acme.com'],
    ['jane.@acme.com'],
    ['ja..ne@acme.com'],
    ['jane@-acme.com'],
    ['jane@acme.c'],
    ['jane@192.168.0.1'],
    ['"jane doe"@acme.com'],
    ['jane@acme.com, bob@acme.com'],
    [`${'a'.repeat(65)}@acme.com`],
  ])('when the email is "%s", then it is invalid and has no normalised form', (raw) => {
    expect(classifyEmail(raw)).toBe('invalid');
    expect(normalizeEmail(raw)).toBeUndefined();
  });

  it.each([[''], ['  '], [null], [undefined]])('when the email is %j, then there is no status', (raw) => {
    expect(classifyEmail(raw)).toBeUndefined();
    expect(normalizeEmail(raw)).toBeUndefined();
  });
});
