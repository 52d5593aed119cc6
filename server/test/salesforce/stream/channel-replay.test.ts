import { describe, expect, it } from 'vitest';
import { ChannelReplay } from '../../../src/salesforce/stream/channel-replay';
import type { FayeMessage } from '../../../src/salesforce/stream/faye-client';

const COMMANDS = '/event/Audience_Command__e';
const REQUESTS = '/event/Audience_Record_Request__e';

function pass(extension: ChannelReplay, direction: 'incoming' | 'outgoing', message: FayeMessage): FayeMessage {
  let out: FayeMessage | null | undefined;
  extension[direction](message, (m) => (out = m));
  if (out === undefined) throw new Error('the extension did not call back');
  return out as FayeMessage;
}

describe('replay ids for several channels on one CometD client', () => {
  it('when the client subscribes again after a re-handshake, then each channel asks for what came after its own last event', () => {
    const replay = new ChannelReplay([COMMANDS, REQUESTS]);
    pass(replay, 'incoming', { channel: '/meta/handshake', successful: true, ext: { replay: true } });
    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: COMMANDS }).ext).toEqual({
      replay: { [COMMANDS]: -1 },
    });
    pass(replay, 'incoming', { channel: COMMANDS, data: { payload: {}, event: { replayId: 12 } } });
    pass(replay, 'incoming', { channel: REQUESTS, data: { payload: {}, event: { replayId: 30 } } });
    pass(replay, 'incoming', { channel: '/data/Audience_Loop__chn', data: { payload: {}, event: { replayId: 99 } } });

    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: COMMANDS }).ext).toEqual({
      replay: { [COMMANDS]: 12 },
    });
    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: REQUESTS }).ext).toEqual({
      replay: { [REQUESTS]: 30 },
    });
    expect(pass(replay, 'outgoing', { channel: '/meta/connect' }).ext).toBeUndefined();
  });

  it('when a channel that has had no event yet subscribes again, then it asks for every retained event and keeps only those dated from its first subscription on', () => {
    let now = Date.parse('2026-12-06T10:00:00.000Z');
    const replay = new ChannelReplay([COMMANDS, REQUESTS], -1, () => now, 10_000);
    pass(replay, 'incoming', { channel: '/meta/handshake', successful: true, ext: { replay: true } });
    // First subscription: new events only.
    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: REQUESTS }).ext).toEqual({
      replay: { [REQUESTS]: -1 },
    });
    pass(replay, 'incoming', { channel: '/meta/subscribe', subscription: REQUESTS, successful: true });
    now += 60_000;

    // Re-handshake with nothing received on the channel: -2, and the events are filtered by their CreatedDate.
    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: REQUESTS }).ext).toEqual({
      replay: { [REQUESTS]: -2 },
    });
    const event = (createdDate: string, replayId: number): FayeMessage => ({
      channel: REQUESTS,
      data: { payload: { CreatedDate: createdDate }, event: { replayId } },
    });
    expect(pass(replay, 'incoming', event('2026-12-06T09:30:00.000Z', 3))).toBeNull();
    expect(pass(replay, 'incoming', event('2026-12-06T09:59:49.000Z', 4))).toBeNull();
    // Within the clock-skew allowance of the first subscription: published while we were listening.
    expect(pass(replay, 'incoming', event('2026-12-06T09:59:55.000Z', 5))).toMatchObject({ channel: REQUESTS });
    expect(pass(replay, 'incoming', event('2026-12-06T10:00:30.000Z', 6))).toMatchObject({ channel: REQUESTS });

    // From then on the channel resumes from its last event, as any other.
    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: REQUESTS }).ext).toEqual({
      replay: { [REQUESTS]: 6 },
    });
    // A channel never acknowledged still asks for new events only.
    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: COMMANDS }).ext).toEqual({
      replay: { [COMMANDS]: -1 },
    });
  });

  it('when the org refused a subscription, then the channel has not started listening', () => {
    const replay = new ChannelReplay([REQUESTS]);
    pass(replay, 'incoming', { channel: '/meta/subscribe', subscription: REQUESTS, successful: false });
    expect(pass(replay, 'outgoing', { channel: '/meta/subscribe', subscription: REQUESTS }).ext).toEqual({
      replay: { [REQUESTS]: -1 },
    });
  });
});
