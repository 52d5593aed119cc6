/** One item of the setup tab's Health checklist; a failed one says how to fix it. */
export interface HealthCheck {
  item: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface ProviderKeyState {
  provider: string;
  keySet: boolean;
  /** closed, open or half_open; absent when the provider is not configured. */
  circuit?: string;
}

/** What only the server can see, gathered for one heartbeat. */
export interface HealthFacts {
  streamState: string;
  lastChangeEventAt: string | null;
  /** Used share of the daily API requests (0..1), when a reading exists. */
  apiBudgetUsed?: number;
  apiBudgetPauseAt: number;
  providers: ProviderKeyState[];
  slackConnected: boolean;
  channel: string;
  /** Entities selected on the change channel, or an error when the Tooling query failed. */
  channelMembers: string[] | { error: string };
  expectedMembers: readonly string[];
}

const PROVIDER_KEY_ENV: Readonly<Record<string, string>> = {
  hunter: 'HUNTER_API_KEY',
  pdl: 'PDL_API_KEY',
  apollo: 'APOLLO_API_KEY',
};

/** The checklist, in the order the Health section shows it. Pure: the facts are gathered by the heartbeat. */
export function healthChecks(facts: HealthFacts): HealthCheck[] {
  const checks: HealthCheck[] = [];
  const live = facts.streamState === 'live';
  checks.push({
    item: 'loop_running',
    ok: live,
    detail: live ? 'the change stream is live' : `the change stream is ${facts.streamState}`,
    ...(!live && {
      fix: 'Check the server log for the stream error; the server reconnects by itself once Salesforce answers.',
    }),
  });
  checks.push({
    item: 'last_change_event',
    ok: true,
    detail: facts.lastChangeEventAt ? `last change event at ${facts.lastChangeEventAt}` : 'no change event since start',
  });
  if (Array.isArray(facts.channelMembers)) {
    const missing = facts.expectedMembers.filter((m) => !(facts.channelMembers as string[]).includes(m));
    checks.push({
      item: 'change_channel_members',
      ok: missing.length === 0,
      detail:
        missing.length === 0
          ? `${facts.channel} selects ${facts.expectedMembers.join(', ')}`
          : `${facts.channel} is missing ${missing.join(', ')}`,
      ...(missing.length > 0 && {
        fix: `Deploy force-app's platformEventChannelMembers (sf project deploy start) or add ${missing.join(', ')} to ${facts.channel} in Setup › Change Data Capture; without them those changes never reach the server.`,
      }),
    });
  } else {
    checks.push({
      item: 'change_channel_members',
      ok: false,
      detail: `could not read the channel's members: ${facts.channelMembers.error}`,
      fix: 'Give the integration user "View Setup and Configuration" (Audience_Integration) so it can query the Tooling API.',
    });
  }
  const used = facts.apiBudgetUsed;
  const underPause = used === undefined || used < facts.apiBudgetPauseAt;
  checks.push({
    item: 'api_budget',
    ok: underPause,
    detail:
      used === undefined ? 'no API usage reading yet' : `${(used * 100).toFixed(1)}% of the daily API requests used`,
    ...(!underPause && {
      fix: `Background work pauses above ${(facts.apiBudgetPauseAt * 100).toFixed(0)}%; it resumes by itself as the 24-hour window rolls, or raise API_BUDGET_PAUSE.`,
    }),
  });
  for (const provider of facts.providers) {
    const env = PROVIDER_KEY_ENV[provider.provider] ?? `${provider.provider.toUpperCase()}_API_KEY`;
    if (!provider.keySet) {
      checks.push({
        item: `provider_${provider.provider}`,
        ok: false,
        detail: `${provider.provider}: no API key`,
        fix: `Set ${env} in the server's environment and restart it (plans naming ${provider.provider} skip it until then).`,
      });
      continue;
    }
    const closed = provider.circuit === undefined || provider.circuit === 'closed';
    checks.push({
      item: `provider_${provider.provider}`,
      ok: closed,
      detail: `${provider.provider}: key set, circuit ${provider.circuit ?? 'closed'}`,
      ...(!closed && {
        fix: `${provider.provider} failed repeatedly; calls resume when its circuit closes. Check the provider's status and the key's quota.`,
      }),
    });
  }
  checks.push({
    item: 'slack',
    ok: facts.slackConnected,
    detail: facts.slackConnected ? 'Slack is connected' : 'Slack is not connected',
    ...(!facts.slackConnected && {
      fix: 'Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the server environment (docs/slack.md) to notify signals.',
    }),
  });
  return checks;
}
