import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Connection } from 'jsforce';
import { connectionAs, createBenchConfig } from '../bench/bench-config';
import { startEmulatorProcess, type EmulatorProcess } from '../bench/emulator-process';
import { RedisPrefix } from '../bench/redis-prefix';
import { createRedis, type ClusterNode } from '../../server/src/state/redis';
import { ServerProcess } from '../bench/server-process';
import { ChaosActions } from './chaos-actions';
import type { EffectTally } from './effect-tally';
import { readOrgState, type OrgState } from './org-state';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One scenario's world: a fresh emulated org (same seed every time, so runs are comparable), the loop's
 * configuration, a Redis prefix of its own, and the server process(es) started against them.
 */
export class ChaosWorld {
  server: ServerProcess | undefined;
  /** Role processes a scenario started beside (or instead of) `server` (`startRole`); all stopped by `destroy`. */
  readonly roleProcesses: ServerProcess[] = [];
  changesMade = 0;
  serverStarts = 0;
  readonly prefix = `{chaos-${randomBytes(4).toString('hex')}}`;
  private contactIds: string[] = [];
  /** Every email a contact has had (seeded or edited), lower-cased: how the Outreach fake's prospects are matched. */
  private readonly emails = new Map<string, string[]>();
  /** Contacts that had no email at some time (seeded blank; the rep waves always give one). */
  private readonly blankEmail = new Set<string>();
  /** Contacts opted out of email (seeded; the rep waves leave the flag alone). */
  private readonly optedOut = new Set<string>();
  private readonly tokens = new Map<string, string>();

  private constructor(
    readonly emulator: EmulatorProcess,
    public redisUrl: string,
    readonly cwd: string,
    private readonly echo: boolean,
    readonly actions: ChaosActions,
    /** The seeds of the scenario's own Redis Cluster, when it has one (the server gets REDIS_CLUSTER_NODES). */
    readonly clusterNodes?: ClusterNode[],
  ) {}

  static async create(input: {
    contacts: number;
    redisUrl: string;
    cwd: string;
    echo?: boolean;
    clusterNodes?: ClusterNode[];
  }): Promise<ChaosWorld> {
    const emulator = await startEmulatorProcess({ contacts: input.contacts, cwd: input.cwd });
    const admin = connectionAs(emulator.info, emulator.user('admin'));
    await createBenchConfig(admin);
    const actions = await ChaosActions.create(admin, emulator.user('rep').id);
    const world = new ChaosWorld(emulator, input.redisUrl, input.cwd, input.echo ?? false, actions, input.clusterNodes);
    const rows = await world.admin.query<{ Id: string; Email: string | null; HasOptedOutOfEmail: boolean | null }>(
      'SELECT Id, Email, HasOptedOutOfEmail FROM Contact ORDER BY Id',
      {
        autoFetch: true,
        maxFetch: 10_000_000,
      },
    );
    world.contactIds = rows.records.map((r) => r.Id);
    for (const r of rows.records) {
      world.rememberEmail(r.Id, r.Email);
      if (r.HasOptedOutOfEmail === true) world.optedOut.add(r.Id);
    }
    return world;
  }

  private rememberEmail(id: string, email: string | null): void {
    if (!email?.trim()) {
      this.blankEmail.add(id);
      return;
    }
    const key = email.toLowerCase();
    const ids = this.emails.get(key) ?? [];
    if (!ids.includes(id)) this.emails.set(key, [...ids, id]);
  }

  /**
   * Waits until no membership event is still queued or held and no action application is Pending, then counts their
   * effects per membership episode. Pending rows alone are not enough: the action step writes an application's
   * Pending row only when it takes the event, and an event held by a killed worker stays `active` until BullMQ's
   * stalled check hands it to the restarted one (up to the job lock, 30 s) — judging before then counted effects that
   * were still on their way as missing.
   */
  async actionEffects(timeoutMs = 3 * 60_000): Promise<EffectTally> {
    const deadline = Date.now() + timeoutMs;
    const connection = createRedis({ url: this.redisUrl, clusterNodes: this.clusterNodes });
    const membership = new Queue('membership', { connection, prefix: this.prefix });
    try {
      for (;;) {
        const counts = await membership.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
        const inFlight = Object.values(counts).reduce((sum, n) => sum + n, 0);
        if (inFlight === 0) {
          await this.actions.settled(this.admin, Math.max(1000, deadline - Date.now()));
          const again = await membership.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
          if (Object.values(again).every((n) => n === 0)) break;
        } else if (Date.now() > deadline) {
          throw new Error(
            `${inFlight} membership events still in flight after ${timeoutMs} ms: ${JSON.stringify(counts)}; ` +
              (await this.membershipDiagnosis(connection, membership)),
          );
        }
        await sleep(1000);
      }
    } finally {
      await membership.close();
      connection.disconnect();
    }
    return this.actions.tally(this.admin, {
      emails: this.emails,
      blankEmail: this.blankEmail,
      optedOut: this.optedOut,
    });
  }

  /** What a stuck membership queue looks like: its meta (paused?), marker, and the workers Redis knows of. */
  private async membershipDiagnosis(connection: ReturnType<typeof createRedis>, membership: Queue): Promise<string> {
    try {
      const meta = await connection.hgetall(`${this.prefix}:membership:meta`);
      const marker = await connection.zrange(`${this.prefix}:membership:marker`, '0', '-1', 'WITHSCORES');
      const paused = await connection.llen(`${this.prefix}:membership:paused`);
      const wait = await connection.llen(`${this.prefix}:membership:wait`);
      const workers = (await membership.getWorkers()).map(
        (w) => `${w.name}@${w.addr}/cmd=${w.cmd}/age=${w.age}/idle=${w.idle}`,
      );
      return `meta=${JSON.stringify(meta)} marker=${JSON.stringify(marker)} pausedList=${paused} waitList=${wait} workers=${JSON.stringify(workers)}`;
    } catch (error) {
      return `diagnosis failed: ${(error as Error).message}`;
    }
  }

  get admin(): Connection {
    return this.connectionOf('admin');
  }

  get rep(): Connection {
    return this.connectionOf('rep');
  }

  private connectionOf(role: 'admin' | 'rep'): Connection {
    const user = this.emulator.user(role);
    return connectionAs(this.emulator.info, { ...user, accessToken: this.tokens.get(role) ?? user.accessToken });
  }

  /** New tokens for the admin and the rep (after the scenario expired every session). */
  async refreshTokens(): Promise<void> {
    for (const role of ['admin', 'rep']) this.tokens.set(role, await this.emulator.control.token(role));
  }

  /**
   * With `CHAOS_TRACE_DIR` set, the server traces the records of rep wave 1 (every step the mirror, the change intake
   * and the refresher take for them) into `<dir>/<prefix>.jsonl`, and the scenario's own steps go there too.
   */
  readonly traceFile = process.env.CHAOS_TRACE_DIR ? join(process.env.CHAOS_TRACE_DIR, `${this.prefix}.jsonl`) : '';

  /** A line of the scenario's own in the trace file (a wave sent, a kill), when tracing. */
  trace(step: string, data: Record<string, unknown> = {}): void {
    if (!this.traceFile) return;
    appendFileSync(this.traceFile, `${JSON.stringify({ at: new Date().toISOString(), id: 'chaos', step, ...data })}\n`);
  }

  private traceEnv(): Record<string, string> {
    if (!this.traceFile) return {};
    const ids = this.contactIds.filter((_, i) => i % 20 === 7);
    return { TRACE_RECORD_IDS: ids.join(','), TRACE_RECORD_FILE: this.traceFile };
  }

  async startServer(): Promise<ServerProcess> {
    this.serverStarts += 1;
    this.trace('server.start', { start: this.serverStarts });
    this.server = await ServerProcess.start({
      cwd: this.cwd,
      emulator: this.emulator.info,
      redisUrl: this.redisUrl,
      prefix: this.prefix,
      env: this.serverEnv(),
      echo: this.echo,
    });
    return this.server;
  }

  /**
   * A process with only some roles (`ROLE=stream`, `ROLE=api,worker,scheduler`, …), configured as `startServer`'s;
   * it is counted as a server start. `server` is left alone: a scenario sets it to the process /readyz is read from.
   */
  async startRole(role: string): Promise<ServerProcess> {
    this.serverStarts += 1;
    const process = await ServerProcess.start({
      cwd: this.cwd,
      emulator: this.emulator.info,
      redisUrl: this.redisUrl,
      prefix: this.prefix,
      env: { ...this.serverEnv(), ROLE: role },
      echo: this.echo,
    });
    this.roleProcesses.push(process);
    return process;
  }

  private serverEnv(): Record<string, string> {
    return {
      BULK_QUERY_THRESHOLD: '1000000000',
      ...this.actions.serverEnv(),
      ...this.traceEnv(),
      ...(this.clusterNodes
        ? { REDIS_CLUSTER_NODES: this.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',') }
        : {}),
    };
  }

  /** Resolves once the integration user has made its first `n` calls (the sync is under way). */
  async integrationCalls(): Promise<number> {
    return (await this.emulator.control.counters()).byUser[this.emulator.user('integration').id] ?? 0;
  }

  /**
   * A wave of rep edits, the same in every run: wave 1 makes every 20th contact a CEO with a free-mail address
   * (new audience entries, new email status), wave 2 makes half of those an intern again (audience exits).
   */
  async repWave(
    wave: 1 | 2,
    pacing: { chunk?: number; before?: (chunkIndex: number) => Promise<void> } = {},
  ): Promise<number> {
    const chosen = this.contactIds.filter((_, i) => i % 20 === 7);
    const updates =
      wave === 1
        ? chosen.map((id, i) => ({ Id: id, Title: 'Chief Executive Officer', Email: `chaos.${i}@gmail.com` }))
        : chosen
            .filter((_, i) => i % 2 === 0)
            .map((id, i) => ({ Id: id, Title: 'Intern', Email: `chaos.${i}@mailinator.com` }));
    for (const u of updates) this.rememberEmail(u.Id, u.Email);
    this.trace(`wave${wave}.sending`, { records: updates.length });
    // Paced (the poison scenario): the same edits in smaller calls, with the scenario's own work between them.
    if (pacing.chunk) {
      for (let i = 0, n = 0; i < updates.length; i += pacing.chunk, n += 1) {
        await pacing.before?.(n);
        await this.sendEdits(updates.slice(i, i + pacing.chunk));
      }
    } else {
      await this.sendEdits(updates);
    }
    this.changesMade += updates.length;
    this.trace(`wave${wave}.sent`, { records: updates.length });
    return updates.length;
  }

  /** Sends rep edits; injected faults hit the rep as well: failed calls and locked rows are sent again. */
  private async sendEdits(updates: { Id: string; Title: string; Email: string }[]): Promise<void> {
    let todo = updates;
    for (let attempt = 1; todo.length > 0; attempt += 1) {
      const failed: typeof updates = [];
      for (let i = 0; i < todo.length; i += 200) {
        const chunk = todo.slice(i, i + 200);
        const results = await this.rep
          .sobject('Contact')
          .update(chunk, { allOrNone: false })
          .catch(() => chunk.map(() => ({ success: false })));
        results.forEach((r, j) => {
          if (!r.success) failed.push(chunk[j] as (typeof updates)[number]);
        });
      }
      if (failed.length > 0 && attempt >= 10) throw new Error(`${failed.length} rep edits failed 10 times`);
      todo = failed;
      if (todo.length > 0) await sleep(200);
    }
  }

  /**
   * Waits until the loop is done: the server answers /readyz, and neither the integration user's call count nor
   * the org's enriched count has moved for `quietMs`.
   */
  async settle(quietMs = 8000, timeoutMs = 5 * 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let since = Date.now();
    while (Date.now() < deadline) {
      const ready = this.server ? await this.server.readyz().catch(() => undefined) : undefined;
      const calls = await this.integrationCalls();
      const mark = `${ready?.status}:${calls}`;
      if (mark !== last) {
        last = mark;
        since = Date.now();
      } else if (ready?.status === 200 && Date.now() - since >= quietMs) return;
      await sleep(500);
    }
    throw new Error(`the loop did not settle within ${timeoutMs} ms`);
  }

  async state(): Promise<OrgState> {
    return readOrgState(this.admin);
  }

  async destroy(): Promise<void> {
    await this.server?.stop().catch(() => undefined);
    await Promise.all(this.roleProcesses.map((p) => p.stop().catch(() => undefined)));
    await this.emulator.stop().catch(() => undefined);
    await this.actions.stop();
    // A cluster of the scenario's own goes away whole; only a shared Redis has this prefix to clear.
    if (this.clusterNodes) return;
    const redis = new RedisPrefix(this.redisUrl, this.prefix);
    await redis
      .clear()
      .catch(() => undefined)
      .finally(() => redis.close());
  }
}
