import type { CoalescingWriter } from '../../../salesforce/writers/coalescing-writer';
import type { IntakeBuffer } from './intake-buffer';

/** Waits until no record waits in the intake or is being processed, and the writer has sent everything. */
export async function drainIntake(buffer: IntakeBuffer, writer: CoalescingWriter, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await buffer.counts();
    if (counts.waiting + counts.active === 0) break;
    if (Date.now() > deadline)
      throw new Error(`intake did not drain within ${timeoutMs} ms (${JSON.stringify(counts)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await writer.flush();
}
