/**
 * Stand-ins for the project's own Apex where the loop depends on it. These mirror code this repository deploys,
 * kept apart from the emulated platform so the two are never confused.
 */
import type { EmulatorContext } from '../org-contract';
import { publishConfigReloads } from './config-trigger-handler';

export { CONFIG_OBJECTS, RELOAD_CONFIG, changedConfigRecordIds } from './config-trigger-handler';

/** Installs the stand-ins on an org; returns the uninstaller. */
export function installApexStandins(ctx: EmulatorContext, log: (line: string) => void = () => {}): () => void {
  return ctx.events.onCommit((tx) => publishConfigReloads(ctx, tx, log));
}
