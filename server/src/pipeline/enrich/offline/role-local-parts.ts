import { readWordList } from './word-list';

let roleLocalParts: ReadonlySet<string> | undefined;

// "no-reply", "no_reply", "No.Reply+x" all mean the same mailbox.
const canonicalLocalPart = (localPart: string) =>
  localPart
    .toLowerCase()
    .replace(/\+.*$/, '')
    .replace(/[.\-_]/g, '');

/** True for shared mailboxes (info@, sales@, no-reply@, ...) listed in data/role-local-parts.txt. */
export function isRoleLocalPart(localPart: string): boolean {
  roleLocalParts ??= new Set([...readWordList('role-local-parts.txt')].map(canonicalLocalPart));
  return roleLocalParts.has(canonicalLocalPart(localPart));
}
