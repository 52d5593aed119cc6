import { ROLES, type Role } from '../env/role-setting';
import type { SalesforceMode } from '../env/env';

// Defined as `true` by the build (scripts/build.ts); absent when the server runs from source through tsx.
declare const __AUDIENCE_LOOP_BUNDLE__: boolean | undefined;

/** Whether this is the built server (dist/main.js), which carries no emulator. */
export function isBundle(): boolean {
  return typeof __AUDIENCE_LOOP_BUNDLE__ !== 'undefined' && __AUDIENCE_LOOP_BUNDLE__;
}

/**
 * Why sandbox mode (no Salesforce settings) cannot run here, if it cannot: the built server ships without the
 * emulator, and the sandbox org lives inside one process, so it cannot be shared by processes of separate roles.
 */
export function sandboxRefusal(mode: SalesforceMode, roles: readonly Role[], bundled = isBundle()): string | undefined {
  if (mode !== 'sandbox') return undefined;
  if (bundled) {
    return (
      'No Salesforce settings: the built server (dist/main.js) has no sandbox org — the emulator is a development ' +
      'tool left out of the build. Set one group of SALESFORCE_* variables (see .env.example and docs/deploy.md), ' +
      'or run `npm start` from a source checkout to try the sandbox.'
    );
  }
  if (roles.length < ROLES.length) {
    return (
      `No Salesforce settings: the sandbox org runs inside one process, so it needs ROLE=all (ROLE is ${roles.join(',')}). ` +
      'Unset ROLE to try the sandbox, or set SALESFORCE_* variables to run separate roles against an org.'
    );
  }
  return undefined;
}
