import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../providers/fake-server';
import { SLACK_FAKE_CHANNELS, SLACK_FAKE_TOKEN, signSlackRequest, startSlackFake, type SlackFake } from './index';

const post = async (
  fake: SlackFake,
  method: string,
  body: string | Record<string, unknown>,
  token = SLACK_FAKE_TOKEN,
) => {
  const form = typeof body === 'string';
  const response = await fetch(`${fake.baseUrl}/${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: form ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
};

describe('Slack fake', () => {
  let fake: SlackFake;
  beforeAll(async () => {
    fake = await startSlackFake();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.control.reset());

  it('computes Slack’s published v0 test vector', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('answers auth.test, and invalid_auth for a wrong token', async () => {
    expect((await post(fake, 'auth.test', {})).body).toMatchObject({ ok: true, bot_id: 'B0FAKE' });
    expect((await post(fake, 'auth.test', {}, 'xoxb-wrong')).body).toEqual({ ok: false, error: 'invalid_auth' });
  });

  it('posts from a form body with JSON-in-field blocks, DMs a user by id, and updates the message', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }];
    const form = new URLSearchParams({
      channel: SLACK_FAKE_CHANNELS.member,
      text: 'hi',
      blocks: JSON.stringify(blocks),
    });
    const posted = await post(fake, 'chat.postMessage', form.toString());
    expect(posted.body).toMatchObject({ ok: true, channel: SLACK_FAKE_CHANNELS.member });
    expect(fake.messages()[0]).toMatchObject({ text: 'hi', blocks });
    expect(fake.requests()[0]).toMatchObject({ method: 'chat.postMessage', encoding: 'form', answer: 'ok' });

    fake.control.addUser('Jane@Example.com', 'U0JANE0001');
    const found = await post(fake, 'users.lookupByEmail', { email: 'jane@example.com' });
    expect(found.body).toMatchObject({ ok: true, user: { id: 'U0JANE0001' } });
    const dm = await post(fake, 'chat.postMessage', { channel: 'U0JANE0001', text: 'psst' });
    expect(dm.body).toMatchObject({ ok: true, channel: fake.dmChannel('U0JANE0001') });

    const updated = await post(fake, 'chat.update', { channel: dm.body.channel, ts: dm.body.ts, text: 'done' });
    expect(updated.body).toMatchObject({ ok: true });
    expect(fake.messages()[1]?.updates).toEqual([{ text: 'done' }]);
    expect((await post(fake, 'chat.update', { channel: 'C0AUDIENCE1', ts: '1.2', text: 'x' })).body).toEqual({
      ok: false,
      error: 'message_not_found',
    });
  });

  it('answers Slack’s method errors at HTTP 200 and rate limits with 429 + Retry-After', async () => {
    expect((await post(fake, 'users.lookupByEmail', { email: 'nobody@example.com' })).body.error).toBe(
      'users_not_found',
    );
    expect((await post(fake, 'chat.postMessage', { channel: 'C0NOWHERE01', text: 'x' })).body.error).toBe(
      'channel_not_found',
    );
    expect(
      (await post(fake, 'chat.postMessage', { channel: SLACK_FAKE_CHANNELS.notMember, text: 'x' })).body.error,
    ).toBe('not_in_channel');
    fake.control.rateLimitNext(7, 'chat.postMessage');
    const auth = await post(fake, 'auth.test', {});
    expect(auth.status).toBe(200);
    const limited = await post(fake, 'chat.postMessage', { channel: SLACK_FAKE_CHANNELS.member, text: 'x' });
    expect(limited).toMatchObject({ status: 429, retryAfter: '7' });
    expect(fake.calls()).toBe(3);
    expect(fake.messages()).toHaveLength(0);
  });

  it('sends signed block_actions and slash commands that a v0 verifier accepts', async () => {
    const seen: { body: string; valid: boolean }[] = [];
    const receiver = express();
    receiver.post('/slack/events', express.text({ type: '*/*' }), (req, res) => {
      const ts = Number(req.get('x-slack-request-timestamp'));
      const valid = req.get('x-slack-signature') === signSlackRequest('secret-1', ts, req.body as string);
      seen.push({ body: req.body as string, valid });
      res.status(valid ? 200 : 401).json({ text: 'ok' });
    });
    const server = await listenOnLoopback(receiver);
    try {
      const slack = fake.interactivity(`${server.origin}/slack/events`, 'secret-1');
      await post(fake, 'chat.postMessage', {
        channel: SLACK_FAKE_CHANNELS.member,
        text: 'card',
        blocks: [
          { type: 'actions', block_id: 'b1', elements: [{ type: 'button', action_id: 'dismiss', value: 'sig-1' }] },
        ],
      });
      const user = { id: 'U0JANE0001', username: 'jane' };
      const click = await slack.click(fake.messages()[0]!, 'dismiss', user);
      expect(click.status).toBe(200);
      const payload = JSON.parse(new URLSearchParams(seen[0]!.body).get('payload')!) as Record<string, unknown>;
      expect(payload).toMatchObject({
        type: 'block_actions',
        user: { id: 'U0JANE0001' },
        container: { message_ts: fake.messages()[0]!.ts },
        actions: [{ action_id: 'dismiss', value: 'sig-1', block_id: 'b1' }],
      });
      expect((await slack.command('/audience', 'jane@example.com', user)).status).toBe(200);
      expect(new URLSearchParams(seen[1]!.body).get('command')).toBe('/audience');
      expect((await slack.command('/audience', 'x', user, { secret: 'forged' })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
