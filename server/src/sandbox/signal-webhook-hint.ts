import { DEMO_SIGNAL_SLUG, SANDBOX_SIGNAL_WEBHOOK_SECRET } from './demo-config';

/**
 * What the sandbox prints once it follows changes: how to post a signed signal to the demo's Webhook rule. The
 * secret is named only when it is the sandbox's built-in one (a secret of the operator's is never printed).
 */
export function signalWebhookHint(port: number, usesSandboxSecret: boolean): string {
  const secret = usesSandboxSecret ? SANDBOX_SIGNAL_WEBHOOK_SECRET : '$SIGNAL_WEBHOOK_SECRET';
  return [
    `Send a signal: POST http://127.0.0.1:${port}/hooks/signals/${DEMO_SIGNAL_SLUG}, signed with "${secret}"`,
    '  (X-Audiences-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; README "Sandbox: send a signal").',
  ].join('\n');
}

/** The secrets the inbound signal webhook verifies with: the configured ones, or in sandbox mode the built-in one. */
export function signalWebhookSecrets(
  configured: readonly (string | undefined)[],
  sandbox: boolean,
): { secrets: string[]; usesSandboxSecret: boolean } {
  const secrets = configured.filter((secret): secret is string => secret !== undefined && secret !== '');
  if (secrets.length === 0 && sandbox) return { secrets: [SANDBOX_SIGNAL_WEBHOOK_SECRET], usesSandboxSecret: true };
  return { secrets, usesSandboxSecret: false };
}
