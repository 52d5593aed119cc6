import { startEmulatorProcess } from './emulator-process';
import { connectionAs, createBenchConfig } from './bench-config';
import { runInitialSync } from './initial-sync';

const records = Number(process.argv[2] ?? 20000);
const latency = Number(process.argv[3] ?? 100);
const emulator = await startEmulatorProcess({ contacts: records, cwd: process.cwd() });
await createBenchConfig(connectionAs(emulator.info, emulator.user('admin')));
const { result, server, redis } = await runInitialSync({
  cwd: process.cwd(), emulator, redisUrl: 'redis://127.0.0.1:6379', prefix: '{bench-try}', records, latencyMs: latency, timeoutMs: 600000, echo: true,
});
console.log(JSON.stringify(result, null, 2));
await server.stop();
console.log(server.summaryLines().join('\n'));
await redis.clear();
await redis.close();
await emulator.stop();
