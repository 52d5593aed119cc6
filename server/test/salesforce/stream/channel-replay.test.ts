import { describe, expect, it } from 'vitest';
import { ChannelReplay } from '../../../src/salesforce/stream/channel-replay';
import type { FayeMessage } from '../../../src/salesforce/stream/faye-client';

const COMMANDS = '/event/Audience_Command__e';
const REQUESTS = '/event/Audience_Record_Request__e';

function pass(extension: ChannelReplay, direction: 'incoming' | 'outgoing', message: FayeMessage): FayeMessage {
  let out: FayeMessage | null = null;
  extension[direction](message, (m) => (out = m));
  return out!;
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
});
