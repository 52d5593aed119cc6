import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../src/lib/logger';

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'info' }, sink), lines };
}

describe('logger', () => {
  it('when an object carries tokens, keys or secrets, then the line shows [redacted] instead', () => {
    const { logger, lines } = captureLogger();
    logger.info(
      {
        accessToken: '00D000000000001!AQ8AQsecret',
        conn: { accessToken: 'tok-1', refreshToken: 'ref-1' },
        provider: { apiKey: 'hunter-key' },
        req: { headers: { authorization: 'Bearer abc' } },
        clientSecret: 'shh',
      },
      'connected',
    );
    const line = lines.join('');
    for (const secret of ['AQ8AQsecret', 'tok-1', 'ref-1', 'hunter-key', 'Bearer abc', 'shh']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('[redacted]');
  });

  it('when a URL carries a password, then redactUrl hides it', () => {
    expect(redactUrl('redis://user:hunter2@cache:6379/1')).toBe('redis://user:***@cache:6379/1');
    expect(redactUrl('not a url')).toBe('<unparseable url>');
  });
});
