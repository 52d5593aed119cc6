import { readWordList } from './word-list';

let freeMailDomains: ReadonlySet<string> | undefined;

/** True for consumer mailbox providers (gmail.com, outlook.com, ...) listed in data/free-mail-domains.txt. */
export function isFreeMailDomain(domain: string): boolean {
  freeMailDomains ??= readWordList('free-mail-domains.txt');
  return freeMailDomains.has(domain.toLowerCase());
}
