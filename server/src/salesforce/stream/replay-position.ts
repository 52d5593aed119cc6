/** Salesforce's replay options: only new events, or everything retained. */
export const REPLAY_NEW = -1;
export const REPLAY_ALL = -2;

/** Salesforce: `400::The replayId {x} you provided was invalid.  Please provide a valid ID, -2 …`. */
export function isInvalidReplayError(error: string | undefined): boolean {
  return error !== undefined && /^400::The replayId\b/.test(error) && /invalid/i.test(error);
}
