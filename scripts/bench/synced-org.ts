import { connectionAs, createBenchConfig } from './bench-config';
import { ChangeListener } from './change-listener';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process';
import { runInitialSync } from './initial-sync';
import { RedisPrefix } from './redis-prefix';

/** An emulated org whose initial sync is done, with a change listener on it: where a change-stream figure starts. */
export interface SyncedOrg {
  emulator: EmulatorProcess;
  listener: ChangeListener;
  redis: RedisPrefix;
  prefix: string;
  contactIds: string[];
  stop(): Promise<void>;
}

/**
 * A fresh emulator with `records` contacts, the bench configuration, and its initial sync by one `ROLE=all` process
 * that is then stopped (SIGTERM: it stores its replay id and releases the stream lease), so the role processes a
 * figure starts next find the mirror and ledger in place and the stream lease free.
 */
export async function startSyncedOrg(input: {
  cwd: string;
  redisUrl: string;
  prefix: string;
  records: number;
  latencyMs: number;
  serverEnv: Record<string, string>;
  echo?: boolean;
  timeoutMs: number;
}): Promise<SyncedOrg> {
  const emulator = await startEmulatorProcess({ contacts: input.records, cwd: input.cwd });
  let listener: ChangeListener | undefined;
  try {
    const admin = connectionAs(emulator.info, emulator.user('admin'));
    await createBenchConfig(admin);
    listener = new ChangeListener(emulator.info.instanceUrl, emulator.user('admin').accessToken);
    await listener.ready();
    const sync = await runInitialSync({
      cwd: input.cwd,
      emulator,
      redisUrl: input.redisUrl,
      prefix: input.prefix,
      records: input.records,
      latencyMs: input.latencyMs,
      serverEnv: input.serverEnv,
      echo: input.echo,
      timeoutMs: input.timeoutMs,
      echoSettleMs: 0,
    });
    await sync.server.stop();
    const ids = await admin.query<{ Id: string }>(`SELECT Id FROM Contact ORDER BY Id LIMIT ${input.records}`, {
      autoFetch: true,
      maxFetch: input.records,
    });
    const changeListener = listener;
    return {
      emulator,
      listener: changeListener,
      redis: sync.redis,
      prefix: input.prefix,
      contactIds: ids.records.map((r) => r.Id),
      async stop() {
        changeListener.stop();
        await emulator.stop();
        await sync.redis.clear();
        await sync.redis.close();
      },
    };
  } catch (error) {
    listener?.stop();
    await emulator.stop();
    // A sync that failed half way leaves its keys: remove them (only this prefix's; the Redis may be shared).
    const leftover = new RedisPrefix(input.redisUrl, input.prefix);
    await leftover
      .clear()
      .catch(() => undefined)
      .finally(() => leftover.close());
    throw error;
  }
}
