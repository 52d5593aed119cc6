import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import express, { Router } from 'express';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { slackEventsRoute, type SlackEventsState } from '../../src/http/slack-events-route';
import { createLogger } from '../../src/lib/logger';

async function serve(state: () => SlackEventsState) {
  const app = createApp({
    logger: createLogger({ level: 'silent' }),
    readinessChecks: [],
    slackEvents: slackEventsRoute(state),
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return { url, close: () => server.close() };
}

describe('/slack/events', () => {
  it('answers 404 while Slack is off and 503 (with Retry-After) until the loop is ready', async () => {
    let state: SlackEventsState = { state: 'disabled' };
    const { url, close } = await serve(() => state);
    try {
      expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(404);
      state = { state: 'starting' };
      const starting = await fetch(url, { method: 'POST', body: 'x' });
      expect(starting.status).toBe(503);
      expect(starting.headers.get('retry-after')).toBe('5');
    } finally {
      close();
    }
  });

  it('hands the raw, unparsed body to the Slack router once ready (it verifies the signature on it)', async () => {
    const router = Router();
    router.post('/slack/events', express.text({ type: '*/*' }), (req, res) => {
      res.json({ raw: req.body as string });
    });
    const { url, close } = await serve(() => ({ state: 'ready', router }));
    try {
      const reply = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'payload=%7B%22a%22%3A1%7D',
      });
      expect(await reply.json()).toEqual({ raw: 'payload=%7B%22a%22%3A1%7D' });
    } finally {
      close();
    }
  });
});
