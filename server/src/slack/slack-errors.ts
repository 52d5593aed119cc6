/**
 * Which Slack Web API errors a retry can fix. Method errors describe the request or the app's installation
 * (a channel that does not exist, a bot not invited, a revoked token): repeating the call cannot help. Rate limits,
 * Slack's own faults and transport failures can.
 */
const RETRYABLE = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'request_failed',
  'invalid_response',
]);

export function isRetryableSlackError(error: string): boolean {
  return RETRYABLE.has(error) || /^http_5\d\d$/.test(error);
}

/** What an admin should do about a Slack error, for the action log. */
export function slackErrorHint(error: string): string {
  switch (error) {
    case 'channel_not_found':
      return 'the channel does not exist or is private and the app cannot see it';
    case 'not_in_channel':
      return 'invite the app to the channel';
    case 'is_archived':
      return 'the channel is archived';
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'account_inactive':
      return 'SLACK_BOT_TOKEN is not valid; install the app again and set the new token';
    case 'missing_scope':
      return 'the app lacks the chat:write scope';
    default:
      return 'Slack refused the message';
  }
}

/** A Slack step that should run again later (429, Slack's fault, another worker on it): after `delayMs`. */
export class SlackRetryLaterError extends Error {
  readonly code = 'SLACK_RETRY_LATER';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'SlackRetryLaterError';
  }
}
