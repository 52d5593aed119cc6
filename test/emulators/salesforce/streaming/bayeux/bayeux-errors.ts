/**
 * Error texts as Salesforce's CometD server writes them (Streaming API "Error Codes" page; the double space in
 * the replay error is what real orgs send).
 */
export const BAYEUX_ERRORS = {
  handshakeDenied: '403::Handshake denied',
  authenticationInvalid: '401::Authentication invalid',
  requiresAuthentication: '401::Request requires authentication',
  unknownClient: '403::Unknown client',
  concurrentClients: '403::Organization concurrent user limit exceeded',
  channelNotSpecified: '400::Channel name not specified',
  channelNeedsSlash: "400::Channel subscriptions must start with a leading '/'",
  restrictedChannel: '403::Restricted channel',
  // Documented wording ("doesn't exist"), Streaming API "Error Codes" page.
  channelMissing: (channel: string) => `400::The channel you requested to subscribe to doesn't exist {${channel}}`,
  invalidReplayId: (replayId: unknown) =>
    `400::The replayId {${String(replayId)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
  invalidConnectionType: (type: string) => `400::Invalid connection type ${type}`,
  missingCookie: (clientId: string, cookie: string) =>
    `400::Client ${clientId} has established a session, but no ${cookie} cookie present`,
  malformed: (detail: string) => `400::${detail}`,
} as const;

/** The HTTP-level texts for a bad `/cometd/<version>` URL. */
export const URL_ERRORS = {
  versionMandatory: "API version in the URI is mandatory. URI format: '/cometd/66.0'",
  unsupportedVersion:
    "Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/66.0'",
  bodyTooLarge: 'Maximum Request Size Exceeded',
  notAnArray: 'CometD requests must be a JSON array of messages',
} as const;
