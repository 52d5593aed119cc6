import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, redactUrl, type LogFormat } from '../../src/lib/logger';

function captureLogger(format?: LogFormat) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'info', format }, sink), lines };
}

/** The top-level keys of one JSON line in the order written, duplicates kept (JSON.parse would keep only the last). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    }
  }
  return keys;
}

const secrets = {
  accessToken: '00D000000000001!AQ8AQsecret',
  conn: { accessToken: 'tok-1', refreshToken: 'ref-1' },
  provider: { apiKey: 'hunter-key' },
  req: { headers: { authorization: 'Bearer abc' } },
  clientSecret: 'shh',
};

describe('logger', () => {
  it.each<LogFormat>(['json', 'pretty'])(
    'when an object carries tokens, keys or secrets (%s), then the line shows [redacted] instead',
    (format) => {
      const { logger, lines } = captureLogger(format);
      logger.info(secrets, 'connected');
      const line = lines.join('');
      for (const secret of ['AQ8AQsecret', 'tok-1', 'ref-1', 'hunter-key', 'Bearer abc', 'shh']) {
        expect(line).not.toContain(secret);
      }
      expect(line).toContain('[redacted]');
      expect(line).toContain('connected');
    },
  );

  it('when the format is pretty, then a line is readable text, not JSON, and names its component', () => {
    const { logger, lines } = captureLogger('pretty');
    logger.child({ component: 'cdc' }).warn({ channel: '/data/X' }, 'subscribed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: \[cdc\] subscribed \{"channel":"\/data\/X"\}\n$/);
  });

  it('when a destination is given and no format, then lines are JSON', () => {
    const { logger, lines } = captureLogger();
    logger.info('hello');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: 'hello', level: 30 });
  });

  it('when children of children each bind a component, then the line carries the key once, as a path', () => {
    const { logger, lines } = captureLogger('json');
    const waterfall = logger.child({ component: 'enrichment' }).child({ component: 'waterfall', provider: 'hunter' });
    waterfall.info({ recordId: '003x' }, 'asked');
    waterfall.child({ attempt: 2 }).info('asked again');

    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(keys.filter((key) => key === 'component')).toHaveLength(1);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ component: 'enrichment/waterfall', provider: 'hunter' });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ component: 'enrichment/waterfall', attempt: 2 });
  });

  it('when a log call names a component itself, then it wins and the key is still written once', () => {
    const { logger, lines } = captureLogger('json');
    logger.child({ component: 'intake' }).info({ component: 'drainer' }, 'drained');
    logger.info('no component');
    expect(topLevelKeys(lines[0] ?? '').filter((key) => key === 'component')).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ component: 'drainer' });
    expect(topLevelKeys(lines[1] ?? '')).not.toContain('component');
  });

  it('when LOG_FORMAT is unset, then a terminal gets pretty lines and a pipe JSON; a setting always wins', () => {
    expect(chooseLogFormat(undefined, { isTTY: true })).toBe('pretty');
    expect(chooseLogFormat(undefined, { isTTY: false })).toBe('json');
    expect(chooseLogFormat(undefined, {})).toBe('json');
    expect(chooseLogFormat('json', { isTTY: true })).toBe('json');
    expect(chooseLogFormat('pretty', { isTTY: false })).toBe('pretty');
  });

  it('when secrets are given, then a line quoting one URL-encoded or base64 (e.g. in an error message) masks it', () => {
    const key = 'pdl/key+value=1';
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', secrets: [key, undefined] }, sink);
    logger.warn(
      { err: new Error(`GET https://api.test/?api_key=${encodeURIComponent(key)}`) },
      `auth ${Buffer.from(key).toString('base64')} and ${key}`,
    );
    const line = lines.join('');
    expect(line).not.toContain(encodeURIComponent(key));
    expect(line).not.toContain(Buffer.from(key).toString('base64'));
    expect(line).not.toContain(key);
    expect(line.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('when a URL carries a password, then redactUrl hides it', () => {
    expect(redactUrl('redis://user:hunter2@cache:6379/1')).toBe('redis://user:***@cache:6379/1');
    expect(redactUrl('not a url')).toBe('<unparseable url>');
  });
});
