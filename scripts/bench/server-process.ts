import { spawn, type ChildProcess } from 'node:child_process';
import { ChildOutput } from './child-output';
import type { EmulatorInfo } from './emulator-process';
import { freePort } from './free-port';
import { processCpuSeconds, processMemory } from './process-memory';
import { startScriptNodeFlags } from './start-script-flags';

export interface ServerOptions {
  cwd: string;
  emulator: EmulatorInfo;
  redisUrl: string;
  prefix: string;
  /** Extra environment (BULK_QUERY_THRESHOLD, …). */
  env?: Record<string, string>;
  /** Prints the server's stderr lines as they come (debugging). */
  echo?: boolean;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** `npm start` as a child process, connected to the emulator by client credentials; its peak RSS is sampled. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly output: ChildOutput;
  readonly port: number;
  peakRss = 0;
  private readonly sampler: NodeJS.Timeout;
  private readonly exited: Promise<number | null>;
  /** Watched from the start: a fast sync can print its line before anyone asks (`initialSyncDone`). */
  private readonly syncDone: Promise<string>;

  private constructor(child: ChildProcess, port: number, echo: boolean) {
    this.child = child;
    this.port = port;
    this.output = new ChildOutput(
      child,
      400,
      echo ? (line) => process.stderr.write(`  [server] ${line}\n`) : undefined,
    );
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.syncDone = this.output.next(/^Following changes/);
    this.sampler = setInterval(() => this.sample(), 100);
    this.sampler.unref();
  }

  /** What the server runs: the TypeScript sources through tsx, or (`--built`) the bundle production runs. */
  private static entry: string[] = ['--import', 'tsx', 'server/src/main.ts'];

  /** Runs `dist/main.js` (made by `npm run build`) from now on: no tsx, no sources or source maps held in memory. */
  static useBundle(): void {
    ServerProcess.entry = ['dist/main.js'];
  }

  static async start(options: ServerOptions): Promise<ServerProcess> {
    const port = await freePort();
    // As `npm start` runs it (heap cap included); flags given here come after, so they win.
    const nodeArgs = [...startScriptNodeFlags(options.cwd), ...(options.nodeArgs ?? [])];
    const child = spawn(process.execPath, [...nodeArgs, ...ServerProcess.entry], {
      cwd: options.cwd,
      stdio: ['ignore', options.echo ? 'inherit' : 'ignore', 'pipe'],
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        SALESFORCE_LOGIN_URL: options.emulator.loginUrl,
        SALESFORCE_CLIENT_ID: options.emulator.clientId,
        SALESFORCE_CLIENT_SECRET: options.emulator.clientSecret,
        REDIS_URL: options.redisUrl,
        REDIS_PREFIX: options.prefix,
        PORT: String(port),
        LOG_LEVEL: process.env.SERVER_LOG_LEVEL ?? 'warn',
        ...options.env,
      },
    });
    return new ServerProcess(child, port, options.echo ?? false);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** CPU seconds the server has used (user + system). */
  cpuSeconds(): number {
    return processCpuSeconds(this.pid) ?? 0;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private sample(): void {
    const memory = this.running ? processMemory(this.pid) : undefined;
    if (memory) this.peakRss = Math.max(this.peakRss, memory.rss, memory.peak);
  }

  /** Resolves when the server has finished its initial import and drained (it prints its summary then). */
  async initialSyncDone(timeoutMs: number): Promise<void> {
    const done = this.syncDone;
    const failed = this.exited.then((code) => {
      throw new Error(`the server exited (${code}) before its initial sync finished:\n${this.output.tail()}`);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no initial sync within ${timeoutMs} ms:\n${this.output.tail()}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([done, failed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async readyz(): Promise<{ status: number; body: unknown }> {
    // Bounded (fetch waits up to 300 s for headers): a process that never answers must not stall a poll of several.
    const response = await fetch(`http://127.0.0.1:${this.port}/readyz`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }

  /** Waits until /readyz answers 200 (the stream is live, Redis answers). */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await this.readyz().catch(() => undefined);
      if (ready?.status === 200) return;
      if (!this.running) throw new Error(`the server exited:\n${this.output.tail()}`);
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms: ${JSON.stringify(ready?.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGKILL, as a crash would. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
    clearInterval(this.sampler);
  }

  /** SIGTERM (graceful: the server flushes and prints its summary), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    this.sample();
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    clearInterval(this.sampler);
  }

  /** The number after "echoes of our own writes dropped:" in the last summary printed, if any. */
  summaryLines(): string[] {
    return this.output.all().filter((line) => line.startsWith('  '));
  }
}
