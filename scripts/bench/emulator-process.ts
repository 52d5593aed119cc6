import { spawn, type ChildProcess } from 'node:child_process';
import { ChildOutput } from './child-output';
import { EmulatorControl } from './emulator-control';
import { freePort } from './free-port';

export interface EmulatorUser {
  role: 'admin' | 'integration' | 'rep';
  id: string;
  username: string;
  accessToken: string;
}

export interface EmulatorInfo {
  instanceUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  users: EmulatorUser[];
}

export interface EmulatorProcess {
  info: EmulatorInfo;
  control: EmulatorControl;
  child: ChildProcess;
  user(role: EmulatorUser['role'], index?: number): EmulatorUser;
  stop(): Promise<void>;
}

/** `npm run emulator` as its own process, seeded with `contacts` contacts (plus N/10 accounts and N/5 leads). */
export async function startEmulatorProcess(options: {
  contacts: number;
  cwd: string;
  /** More environment for the emulator (`EMULATOR_TRACE=<file>`: one line per counted call). */
  env?: Record<string, string>;
}): Promise<EmulatorProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // A million-contact org (issue 19) holds its records, the change events of a whole sync (72 h retention) and
      // the query cursor: more than V8's default heap cap of ~4 GB on a large machine.
      ...(options.contacts >= 500_000 ? ['--max-old-space-size=12288'] : []),
      '--import',
      'tsx',
      'test/emulators/salesforce/cli.ts',
      '--port',
      String(port),
      '--seed',
      String(options.contacts),
      '--daily-api-limit',
      '1000000000',
    ],
    { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', ...options.env } },
  );
  const output = new ChildOutput(child);
  const info = await new Promise<EmulatorInfo>((resolve, reject) => {
    let buffer = '';
    // Seeding takes ~25 s per million contacts on a quiet machine; a busy one needs more.
    const startMs = Math.max(120_000, options.contacts * 0.4);
    const timer = setTimeout(() => reject(new Error(`the emulator did not start:\n${output.tail()}`)), startMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(buffer.slice(0, newline)) as EmulatorInfo);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code}:\n${output.tail()}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    info,
    child,
    control: new EmulatorControl(info.instanceUrl),
    user(role, index = 0) {
      const user = info.users.filter((u) => u.role === role)[index];
      if (!user) throw new Error(`the emulator has no ${role} user #${index}`);
      return user;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
