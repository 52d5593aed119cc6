import type { Loop } from '../runtime/compose';
import { channelMembers } from '../salesforce/schema/channel-members';
import type { HealthFacts, ProviderKeyState } from './health-checks';

/** The change channel and the entities force-app selects on it (DESIGN §4: Contact, Lead, Account). */
export const CHANGE_CHANNEL = 'Audience_Loop__chn';
export const EXPECTED_CHANNEL_MEMBERS = ['AccountChangeEvent', 'ContactChangeEvent', 'LeadChangeEvent'] as const;
/** The paid providers with a key in the environment (an `http:<name>` provider carries its own settings). */
const KEYED_PROVIDERS = ['hunter', 'pdl', 'apollo'] as const;

/** Gathers what the heartbeat reports from the loop's own parts; the channel members through the Tooling API. */
export async function gatherHealthFacts(loop: Loop, options: { slackConnected: boolean }): Promise<HealthFacts> {
  const stream = loop.streamState();
  const reading = loop.governor.reading;
  const circuits = new Map((await loop.enrichment.circuits.states()).map((c) => [c.provider as string, c.state]));
  const configured = new Set<string>(loop.enrichment.providers.keys());
  const providers: ProviderKeyState[] = KEYED_PROVIDERS.map((provider) => ({
    provider,
    keySet: configured.has(provider),
    ...(circuits.has(provider) && { circuit: circuits.get(provider) }),
  }));
  let members: HealthFacts['channelMembers'];
  try {
    members = await channelMembers(loop.deps.org, CHANGE_CHANNEL);
  } catch (error) {
    members = { error: (error as Error).message.slice(0, 200) };
  }
  return {
    streamState: stream?.state ?? 'stopped',
    lastChangeEventAt: stream?.lastEventAt ?? null,
    ...(reading && reading.max > 0 && { apiBudgetUsed: reading.used / reading.max }),
    apiBudgetPauseAt: loop.settings.budget.pauseAt,
    providers,
    slackConnected: options.slackConnected,
    channel: CHANGE_CHANNEL,
    channelMembers: members,
    expectedMembers: EXPECTED_CHANNEL_MEMBERS,
  };
}
