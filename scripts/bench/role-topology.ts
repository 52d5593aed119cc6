import { startRole } from '../../test/e2e/support/role-processes';
import type { EmulatorInfo } from './emulator-process';
import { processCpuSeconds } from './process-memory';
import type { ServerProcess } from './server-process';
import type { SyncedOrg } from './synced-org';

/** CPU seconds (user + system) by process name. */
export type CpuByProcess = Record<string, number>;

/**
 * A deployment split into role processes (`ROLE=stream`, `ROLE=worker`, …) against one emulator and prefix, as
 * docs/deploy.md describes it, each an OS process of its own; their CPU is read from /proc, so a figure can say which
 * process a change's cost lands in.
 */
export class RoleTopology {
  readonly processes: { name: string; server: ServerProcess }[] = [];

  constructor(
    private readonly base: {
      cwd: string;
      emulator: EmulatorInfo;
      redisUrl: string;
      prefix: string;
      env?: Record<string, string>;
      echo?: boolean;
      /** Left out: the server's default lease (10 s), which is what the figures are about. */
      leaseTtlMs?: number;
    },
    /** Other processes whose CPU the figures report (the emulator: the org's side of each change). */
    private readonly others: Record<string, () => number | undefined> = {},
  ) {}

  async start(name: string, role: string): Promise<ServerProcess> {
    const server = await startRole({ ...this.base, role });
    this.processes.push({ name, server });
    return server;
  }

  /** CPU seconds so far of every process started (killed ones keep their last reading) and of the others. */
  cpu(): CpuByProcess {
    const out: CpuByProcess = {};
    for (const { name, server } of this.processes) out[name] = this.lastCpu(name, server);
    for (const [name, read] of Object.entries(this.others)) out[name] = read() ?? 0;
    return out;
  }

  private readonly lastSeen = new Map<string, number>();

  private lastCpu(name: string, server: ServerProcess): number {
    const now = server.running ? processCpuSeconds(server.pid) : undefined;
    if (now !== undefined) this.lastSeen.set(name, now);
    return this.lastSeen.get(name) ?? 0;
  }

  /** Stops every process still running (SIGTERM: a stream leader releases its lease), all at once. */
  async stopAll(): Promise<void> {
    this.cpu();
    await Promise.all(this.processes.map(({ server }) => server.stop()));
    this.processes.length = 0;
  }
}

/** `after − before` per process, rounded to hundredths (the /proc clock ticks at 100 Hz). */
export function cpuDelta(before: CpuByProcess, after: CpuByProcess): CpuByProcess {
  const out: CpuByProcess = {};
  for (const [name, value] of Object.entries(after)) out[name] = Math.round((value - (before[name] ?? 0)) * 100) / 100;
  return out;
}

/** The bench process's own CPU seconds (the rep's edits and the change listener run here). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** The role processes of a figure on a synced org, with the emulator's and the bench's own CPU reported beside them. */
export function topologyOn(
  org: SyncedOrg,
  input: { cwd: string; redisUrl: string; serverEnv: Record<string, string>; echo?: boolean },
): RoleTopology {
  const { emulator } = org;
  return new RoleTopology(
    {
      cwd: input.cwd,
      emulator: emulator.info,
      redisUrl: input.redisUrl,
      prefix: org.prefix,
      env: input.serverEnv,
      echo: input.echo,
    },
    { emulator: () => processCpuSeconds(emulator.child.pid ?? 0), bench: ownCpuSeconds },
  );
}
