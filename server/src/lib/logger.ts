import { createRequire } from 'node:module';
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import { maskSecrets } from './secret-mask';

export type { Logger } from 'pino';

/**
 * Paths pino replaces with [redacted]. Tokens, keys and secrets must never reach a log line, whatever object they
 * ride in on (a jsforce connection, an HTTP request, a provider reply).
 */
export const REDACTED_PATHS = [
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'token',
  'apiKey',
  'api_key',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  'signingSecret',
  'authorization',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.secret',
  '*.signingSecret',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  '*.headers["x-slack-signature"]',
];

/** `pretty`: one readable line per event, for a person at a terminal; `json`: one JSON object per line, for machines. */
export type LogFormat = 'pretty' | 'json';

/** `LOG_FORMAT` when set; otherwise pretty when the output is a terminal, JSON when it is a pipe or a file. */
export function chooseLogFormat(
  setting: LogFormat | undefined,
  output: { isTTY?: boolean } = process.stdout,
): LogFormat {
  return setting ?? (output.isTTY === true ? 'pretty' : 'json');
}

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Absent: chosen by {@link chooseLogFormat} for stdout, or JSON when a destination is given (tests, scripts). */
  format?: LogFormat;
  /**
   * Secret values (keys, tokens) masked wherever they appear in a line, in every encoding (`maskSecrets`): the
   * redacted paths catch a secret under a known key, this catches one quoted in an error message or a URL.
   */
  secrets?: readonly (string | undefined)[];
}

/**
 * The one way the service makes its logger. Lines go to `destination`, or to stdout (synchronously, as pino does by
 * default). Secrets are redacted before a line is formatted, so the pretty form never sees them either. A child's
 * `component` joins its parent's into a path (`cdc/cdc-subscriber`) instead of repeating the key in the line.
 */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const format = options.format ?? (destination ? 'json' : chooseLogFormat(undefined));
  const logger = pino(
    {
      name: options.name ?? 'audience-loop',
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(options.secrets?.some(Boolean) && {
        hooks: { streamWrite: (line: string) => maskSecrets(line, options.secrets) },
      }),
      mixin: (_mergeObject, _level, instance) => {
        const component = (instance as ComponentLogger)[COMPONENT];
        return component === undefined ? {} : { component };
      },
    },
    format === 'pretty' ? prettyDestination(destination) : destination,
  );
  return withComponentPaths(logger);
}

const COMPONENT = Symbol('audience-loop.component');
type ComponentLogger = Logger & { [COMPONENT]?: string };

/**
 * pino appends a child's bindings to its parent's, so `logger.child({ component: 'cdc' }).child({ component:
 * 'cdc-subscriber' })` would write `component` twice. Here `component` is never a pino binding: the child carries
 * its path (parent's path + '/' + its own) and the mixin writes it once per line; a `component` given to a single
 * log call wins over it, as any key of the call's object wins over the mixin's. Every child inherits this `child`
 * through its prototype (pino makes a child with `Object.create(parent)`).
 */
function withComponentPaths(root: Logger): Logger {
  const pinoChild = root.child as unknown as (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;
  const child = function (this: ComponentLogger, bindings: Bindings, childOptions?: ChildLoggerOptions): Logger {
    const { component, ...rest } = bindings;
    if (component === undefined || component === null) return pinoChild.call(this, bindings, childOptions);
    const instance: ComponentLogger = pinoChild.call(this, rest, childOptions);
    const parent = this[COMPONENT];
    instance[COMPONENT] = parent === undefined ? String(component) : `${parent}/${String(component)}`;
    return instance;
  };
  root.child = child as unknown as Logger['child'];
  return root;
}

/**
 * The pretty form: pino-pretty's prettifier called synchronously in this thread, writing to the same synchronous
 * stdout stream JSON goes to. No worker-thread transport, so a line logged just before `process.exit` ('stopped')
 * is on the terminal before the process ends, and nothing of pino-pretty is loaded when the output is JSON.
 */
function prettyDestination(destination?: DestinationStream): DestinationStream {
  const out = destination ?? pino.destination({ dest: 1, sync: true });
  const pretty = loadPrettyFactory()({
    // Not set: pino-pretty colours when stdout is a terminal that supports it (and NO_COLOR is unset).
    ...(destination ? { colorize: false } : {}),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,component',
    messageFormat: '{if component}[{component}] {end}{msg}',
    singleLine: true,
  } satisfies PrettyOptions);
  return {
    write(line: string) {
      const text = pretty(line);
      if (text) out.write(text);
    },
  };
}

function loadPrettyFactory(): (options: PrettyOptions) => (line: string) => string {
  const require = createRequire(import.meta.url);
  return (require('pino-pretty') as typeof import('pino-pretty')).prettyFactory;
}

/** Redis and Salesforce URLs may carry a password; this is the form that may be printed. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable url>';
  }
}
