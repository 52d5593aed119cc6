/**
 * A Redis Cluster of the test's own: 3 masters + 3 replicas, redis-server processes on free loopback ports (each
 * also needs its bus port, port + 10000), no persistence, in a temporary directory removed at the end. Started with
 * `redis-cli --cluster create … --cluster-replicas 1`; never the shared Redis.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Failure detection after this long without an answer; a failover follows within about 1–2 s more. */
export const NODE_TIMEOUT_MS = 3000;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Ports p with p and p + 10000 (the cluster bus) both free, distinct. */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count && tries < 10_000; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (ports.some((p) => Math.abs(p - port) < 2 || Math.abs(p + 10_000 - port) < 2)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error('no free ports for a Redis Cluster');
  return ports;
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${String(last)})`);
    await sleep(200);
  }
}

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'slave';
  /** For a replica, the id of its master. */
  masterId: string | undefined;
  failed: boolean;
}

export class LocalCluster {
  private readonly children = new Map<number, ChildProcess>();
  private readonly exitHook = () => this.killAll();
  private watchdog: ChildProcess | undefined;

  private constructor(
    readonly ports: number[],
    readonly dir: string,
  ) {}

  /** Starts the six nodes and joins them; resolves once every node reports `cluster_state:ok`. */
  static async start(): Promise<LocalCluster> {
    for (const binary of ['redis-server', 'redis-cli']) {
      await run(binary, ['--version']).catch(() => {
        throw new Error(
          `${binary} is not installed (Debian: apt-get install redis-server redis-tools; .ci/run does it)`,
        );
      });
    }
    const cluster = new LocalCluster(await clusterPorts(6), mkdtempSync(join(tmpdir(), 'al-cluster-')));
    process.once('exit', cluster.exitHook);
    try {
      for (const port of cluster.ports) cluster.spawnNode(port);
      cluster.startWatchdog();
      for (const port of cluster.ports) {
        await waitUntil(`redis-server on ${port}`, 20_000, async () => (await cluster.cli(port, 'ping')) === 'PONG');
      }
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...cluster.ports.map((p) => `127.0.0.1:${p}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
        ],
        { timeout: 60_000 },
      );
      await cluster.waitHealthy();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get seeds(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  /** One ioredis Cluster client for the test's own reads (the loop gets its own through the server's factory). */
  client(): Cluster {
    return new Cluster(this.seeds, { redisOptions: { maxRetriesPerRequest: null }, retryDelayOnFailover: 300 });
  }

  private spawnNode(port: number): void {
    const dir = join(this.dir, String(port));
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, 'nodes.conf'),
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        // A replica cut off from its master for a while may still take over (the test makes one lag on purpose;
        // on a busy machine that can last longer than the default validity of 10 node timeouts).
        '--cluster-replica-validity-factor',
        '0',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--logfile',
        join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    // A node that cannot start shows up as a port that never answers (waitUntil names it); no unhandled 'error'.
    child.on('error', () => undefined);
    this.children.set(port, child);
  }

  /**
   * A test runner may end this process with a signal (a timeout), when no 'exit' hook runs: a detached shell waits
   * for this process to end and then kills the nodes it started (by their pids) and removes their directory.
   */
  private startWatchdog(): void {
    const pids = [...this.children.values()].map((child) => child.pid).filter((pid) => pid !== undefined);
    const script =
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; ` +
      `kill -9 ${pids.join(' ')} 2>/dev/null; rm -rf '${this.dir}'`;
    this.watchdog = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
    this.watchdog.unref();
  }

  async cli(port: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
    return stdout.trim();
  }

  /** The running nodes' view, read from one node that answers. */
  async nodes(): Promise<ClusterNodeInfo[]> {
    for (const port of this.livePorts()) {
      try {
        const text = await this.cli(port, 'cluster', 'nodes');
        return text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => {
            const [id, address, flags, master] = line.split(' ');
            return {
              id: id!,
              port: Number(address!.split('@')[0]!.split(':')[1]),
              role: flags!.includes('master') ? 'master' : 'slave',
              masterId: master === '-' ? undefined : master,
              failed: flags!.split(',').includes('fail'),
            } satisfies ClusterNodeInfo;
          });
      } catch {
        // that node is down: ask the next one
      }
    }
    throw new Error('no node of the cluster answers');
  }

  /** The port of the master that serves `key`'s slot now (CLUSTER SLOTS of a live node). */
  async masterPortOf(key: string): Promise<number> {
    const port = this.livePorts()[0]!;
    const slot = Number(await this.cli(port, 'cluster', 'keyslot', key));
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await probe.connect();
      const slots = (await probe.call('cluster', 'slots')) as [number, number, [string, number, string]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no node serves slot ${slot}`);
      return range[2][1];
    } finally {
      probe.disconnect();
    }
  }

  /**
   * Every live node answers `cluster_state:ok`, and (unless `replicas` is false) every master has a replica that
   * every node knows of and whose replication link is up: only then can a master's death be survived.
   */
  async waitHealthy(timeoutMs = 60_000, replicas = true): Promise<void> {
    await waitUntil('a healthy, replicated cluster', timeoutMs, async () => {
      for (const port of this.livePorts()) {
        if (!(await this.cli(port, 'cluster', 'info')).includes('cluster_state:ok')) return false;
      }
      if (!replicas) return true;
      const nodes = (await this.nodes()).filter((n) => this.livePorts().includes(n.port) && !n.failed);
      const masters = nodes.filter((n) => n.role === 'master');
      if (masters.length !== 3) return false;
      for (const master of masters) {
        const replica = nodes.find((n) => n.role === 'slave' && n.masterId === master.id);
        if (!replica) return false;
        if (!(await this.cli(replica.port, 'info', 'replication')).includes('master_link_status:up')) return false;
      }
      return true;
    });
  }

  /** kill -9 of one node: it acknowledged what it acknowledged, and whatever its replica had not received is gone. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Cuts a replica off its master until `resume`: the replica is stopped (SIGSTOP) and the master drops its link
   * (CLIENT KILL TYPE replica), so nothing the master acknowledges from now on reaches it (a stopped replica alone
   * would still find the master's writes in its socket buffer when it wakes up).
   */
  async detachReplica(masterPort: number, replicaPort: number): Promise<void> {
    this.pause(replicaPort);
    await this.cli(masterPort, 'client', 'kill', 'type', 'replica');
  }

  /** Stops a node (SIGSTOP) until `resume`: it answers nobody, and the others soon count it as failed. */
  pause(port: number): void {
    this.children.get(port)?.kill('SIGSTOP');
  }

  resume(port: number): void {
    this.children.get(port)?.kill('SIGCONT');
  }

  /** Starts a killed node again from its own nodes.conf: it rejoins as a replica of whoever took its slots. */
  async restart(port: number): Promise<void> {
    await this.kill(port);
    this.spawnNode(port);
    // The watchdog knows the old pid: start one that knows the new one.
    this.watchdog?.kill('SIGKILL');
    this.startWatchdog();
    await waitUntil(`redis-server on ${port} again`, 20_000, async () => (await this.cli(port, 'ping')) === 'PONG');
    await this.waitHealthy();
  }

  /** The port of the replica of the master on `masterPort`. */
  async replicaOf(masterPort: number): Promise<number> {
    const nodes = await this.nodes();
    const master = nodes.find((n) => n.port === masterPort);
    const replica = nodes.find((n) => n.role === 'slave' && n.masterId === master?.id && !n.failed);
    if (!replica) throw new Error(`the master on ${masterPort} has no replica`);
    return replica.port;
  }

  /** GET of `key` on one node as it holds it (READONLY: a replica answers for itself instead of redirecting). */
  async readOn(port: number, key: string): Promise<string | null> {
    const node = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await node.connect();
      await node.call('READONLY');
      return await node.get(key);
    } finally {
      node.disconnect();
    }
  }

  /** Waits until a replica of the killed master `port` has taken over its slots. */
  async waitFailover(killedPort: number, key: string, timeoutMs = 90_000): Promise<number> {
    let promoted = 0;
    await waitUntil(`a replica to replace the master on ${killedPort}`, timeoutMs, async () => {
      promoted = await this.masterPortOf(key);
      return promoted !== killedPort;
    });
    // The promoted master has no replica of its own now: the cluster is whole, not redundant.
    await this.waitHealthy(timeoutMs, false);
    return promoted;
  }

  livePorts(): number[] {
    return this.ports.filter((port) => {
      const child = this.children.get(port);
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    });
  }

  private killAll(): void {
    for (const child of this.children.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  /** Stops every node it started (by its own child handles) and removes the directory. */
  async stop(): Promise<void> {
    const exits = [...this.children.values()]
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once('exit', resolve)));
    this.killAll();
    await Promise.all(exits);
    this.watchdog?.kill('SIGKILL');
    process.removeListener('exit', this.exitHook);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
