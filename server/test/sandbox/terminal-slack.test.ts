import { describe, expect, it } from 'vitest';
import { startTerminalSlack } from '../../src/sandbox/terminal-slack';
import { SlackWebClient } from '../../src/slack/slack-web-client';

describe('sandbox Slack', () => {
  it('prints each message and update on the terminal, DMs the demo reps found by email', async () => {
    const lines: string[] = [];
    const slack = await startTerminalSlack((line) => lines.push(line));
    try {
      expect(slack.settings.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
      expect(slack.settings.signingSecret).toBeTruthy();
      const client = new SlackWebClient({ token: slack.settings.botToken, apiUrl: slack.settings.apiUrl });
      const found = await client.lookupUserByEmail('riley.chen@audience-loop.demo');
      expect(found).toMatchObject({ ok: true, body: { user: { id: 'U0RILEYCHEN' } } });
      expect(await client.lookupUserByEmail('nobody@example.com')).toMatchObject({
        ok: false,
        error: 'users_not_found',
      });
      const dm = await client.postMessage({ channel: 'U0RILEYCHEN', text: 'Job change: Ada Lovelace' });
      const posted = await client.postMessage({ channel: 'C0AUDIENCE1', text: 'Funding round: Acme' });
      expect(dm).toMatchObject({ ok: true, body: { channel: 'D0RILEYCHEN' } });
      if (!posted.ok) throw new Error(posted.error);
      await client.updateMessage({ channel: 'C0AUDIENCE1', ts: String(posted.body.ts), text: 'Dismissed by <@U1>' });
      expect(lines).toEqual([
        'Slack DM to U0RILEYCHEN: Job change: Ada Lovelace',
        'Slack #C0AUDIENCE1: Funding round: Acme',
        `Slack message ${String(posted.body.ts)} updated: Dismissed by <@U1>`,
      ]);
    } finally {
      await slack.stop();
    }
  });
});
