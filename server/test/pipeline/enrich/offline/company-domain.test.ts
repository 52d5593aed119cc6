import { describe, expect, it } from 'vitest';
import { domainFromWebsite, domainFromWorkEmail } from '../../../../src/pipeline/enrich/offline/company-domain';

describe('domainFromWebsite', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['www.acme.com', 'acme.com'],
    ['https://www.acme.com', 'acme.com'],
    ['http://acme.com/', 'acme.com'],
    ['https://www.Acme.COM:443/about/team?x=1#top', 'acme.com'],
    ['HTTPS://WWW2.ACME.CO.UK/', 'acme.co.uk'],
    ['//acme.io/path', 'acme.io'],
    ['shop.acme.com', 'shop.acme.com'],
    ['acme.com.', 'acme.com'],
    ['  acme.com  ', 'acme.com'],
    ['https://user:pass@acme.com/', 'acme.com'],
    ['facebook.com', 'facebook.com'],
  ])('when the website is "%s", then the domain is %s', (raw, expected) => {
    expect(domainFromWebsite(raw)).toBe(expected);
  });

  it.each([
    ['localhost'],
    ['http://192.168.0.1/'],
    ['acme'],
    ['not a website'],
    ['https://-acme.com'],
    ['acme..com'],
    ['https://www.facebook.com/acme'],
    ['linkedin.com/company/acme'],
    ['n/a'],
    [''],
    [null],
  ])('when the website is %j, then there is no domain', (raw) => {
    expect(domainFromWebsite(raw)).toBeUndefined();
  });
});

describe('domainFromWorkEmail', () => {
  it.each([
    ['jane.doe@Acme.com', 'acme.com'],
    ['info@globex.com', 'globex.com'],
    ['sam@mail.initech.io', 'mail.initech.io'],
  ])('when the email is %s, then the company domain is %s', (raw, expected) => {
    expect(domainFromWorkEmail(raw)).toBe(expected);
  });

  it.each([['joe@gmail.com'], ['ann@outlook.com'], ['li.wei@mailinator.com'], ['name@domain'], [''], [undefined]])(
    'when the email is %j (free-mail, disposable or invalid), then there is no company domain',
    (raw) => {
      expect(domainFromWorkEmail(raw)).toBeUndefined();
    },
  );
});
