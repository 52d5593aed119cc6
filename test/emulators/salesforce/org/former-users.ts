/**
 * Users who left: stored as inactive `User` rows, never in `Org.users`, so they cannot
 * log in; records they owned keep naming them, and assigning them as owner fails (`owner-rules.ts`).
 */
import type { ObjectSpec } from '../schema/field-builders';
import { DEMO_FORMER_USERS } from '../seed/index';
import { to18 } from './ids';
import { orgUsername } from './org-identity';
import type { RecordStore } from './store';

export function loadFormerUsers(
  store: RecordStore,
  userObject: ObjectSpec,
  profileId: string,
  usernameSuffix: string,
  adminId: string,
): string[] {
  return store.load(
    userObject,
    DEMO_FORMER_USERS.map((u, i) => {
      const username = orgUsername(u.username, usernameSuffix);
      return {
        // `F…` keeps these ids clear of the active users' and of those the id factory counts out.
        Id: to18(`005HsF${String(i + 1).padStart(9, '0')}`),
        Username: username,
        FirstName: u.firstName,
        LastName: u.lastName,
        Email: u.email,
        Alias: username.replace(/@.*/, '').slice(0, 8),
        CommunityNickname: username.replace(/@.*/, ''),
        ProfileId: profileId,
        EmailEncodingKey: 'UTF-8',
        IsActive: false,
        UserType: 'Standard',
        TimeZoneSidKey: 'GMT',
        LocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        Title: 'Sales Representative',
      };
    }),
    adminId,
  );
}
