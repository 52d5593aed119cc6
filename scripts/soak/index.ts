/**
 * `npm run soak -- [--minutes 10] [--rate 4] [--json out.json]`
 * The sandbox as a newcomer runs it (`npm start`, no credentials), with a rep editing existing contacts at a steady
 * rate (no new records) for the given minutes. Samples the Redis key count under the sandbox's prefix and every
 * BullMQ queue's job counts after minute 1 and at the end: a long-running service must not grow state for the same
 * records (goal: within 1 %). Exit 0 when the goal holds, 1 when it does not, 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { QUEUE_NAMES } from '../../server/src/queues/queue-names';
import { sandboxPrefix } from '../../server/src/sandbox/start-sandbox';
import { ChildOutput } from '../bench/child-output';
import { freePort } from '../bench/free-port';
import { startScriptNodeFlags } from '../bench/start-script-flags';
import { soakSample, compareSamples, type SoakSample } from './soak-sample';

const API_VERSION = '62.0';
const TITLES = ['VP Sales', 'Account Executive', 'Head of Growth', 'Sales Intern', 'Chief Revenue Officer'];
const DOMAINS = ['gmail.com', 'mailinator.com', 'acme-example.com'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parse(): { minutes: number; rate: number; json?: string } {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string', default: '4' },
      json: { type: 'string' },
    },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  if (!(minutes >= 2) || !(rate > 0)) {
    process.stderr.write('soak: --minutes must be at least 2 and --rate above 0\n');
    process.exit(2);
  }
  return { minutes, rate, json: values.json };
}

async function main(): Promise<number> {
  const args = parse();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const basePrefix = `{soak-${randomUUID().slice(0, 8)}}`;
  const prefix = sandboxPrefix(basePrefix);
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  Object.assign(env, {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: basePrefix,
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  });
  const server = spawn(
    process.execPath,
    [...startScriptNodeFlags(process.cwd()), '--import', 'tsx', 'server/src/main.ts'],
    {
      cwd: process.cwd(),
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const output = new ChildOutput(server, 200);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: redis, prefix }));
  try {
    await Promise.race([
      output.next(/^Following changes/),
      new Promise((_, reject) => server.on('exit', (code) => reject(new Error(`the server exited (${code})`)))),
    ]);
    const instanceUrl = `http://127.0.0.1:${sandboxPort}`;
    const token = await fetch(`${instanceUrl}/__emulator/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'rep' }),
    }).then(async (r) => ((await r.json()) as { accessToken: string }).accessToken);
    const rep = new Connection({ instanceUrl, accessToken: token, version: API_VERSION });
    const contacts = (await rep.query<{ Id: string }>('SELECT Id FROM Contact', { autoFetch: true })).records;
    process.stderr.write(`soak: ${contacts.length} contacts, ${args.rate} edits/s for ${args.minutes} min\n`);

    const samples: SoakSample[] = [];
    const started = Date.now();
    const sampleAt = [60_000, args.minutes * 60_000];
    let edits = 0;
    let failures = 0;
    for (let tick = 0; Date.now() - started < sampleAt[1]!; tick += 1) {
      const contact = contacts[tick % contacts.length]!;
      const round = Math.floor(tick / contacts.length);
      const edit =
        tick % 2 === 0
          ? { Id: contact.Id, Title: TITLES[(tick + round) % TITLES.length] }
          : {
              Id: contact.Id,
              Email: `soak.${contact.Id.toLowerCase()}.${round}@${DOMAINS[(tick + round) % DOMAINS.length]}`,
            };
      const result = await rep
        .sobject('Contact')
        .update(edit)
        .catch(() => ({ success: false }));
      if (result.success) edits += 1;
      else failures += 1;
      const elapsed = Date.now() - started;
      if (samples.length < sampleAt.length && elapsed >= sampleAt[samples.length]!) {
        samples.push(await soakSample(redis, prefix, queues, elapsed));
        process.stderr.write(`soak: minute ${(elapsed / 60_000).toFixed(1)}: ${JSON.stringify(samples.at(-1))}\n`);
      }
      await sleep(Math.max(0, started + ((tick + 1) * 1000) / args.rate - Date.now()));
    }
    if (samples.length < 2) samples.push(await soakSample(redis, prefix, queues, Date.now() - started));
    const verdict = compareSamples(samples[0]!, samples[1]!, 0.01);
    const report = { minutes: args.minutes, rate: args.rate, edits, failures, samples, ...verdict };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    return verdict.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`soak: ${(error as Error).message}\n${output.tail(30)}\n`);
    return 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.on('exit', resolve)));
    for (const queue of queues) await queue.close();
    await removeKeys(redis, prefix);
    redis.disconnect();
  }
}

async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
