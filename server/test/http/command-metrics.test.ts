import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CommandRefusals } from '../../src/commands/command-refusals';
import { registerCommandMetrics } from '../../src/http/command-metrics';

describe('/metrics: refused commands', () => {
  it('when commands were refused, then the gauge counts them by reason; before the loop runs it is empty', async () => {
    const registry = new Registry();
    const loop: { refusals?: CommandRefusals } = {};
    registerCommandMetrics(registry, () => loop.refusals);
    expect(await registry.metrics()).not.toMatch(/audience_loop_commands_refused\{/);

    const refusals = new CommandRefusals();
    loop.refusals = refusals;
    refusals.add('record_request_limit');
    refusals.add('record_request_limit');
    refusals.add('admin_command_on_record_request');
    const text = await registry.metrics();
    expect(text).toContain('audience_loop_commands_refused{reason="record_request_limit"} 2');
    expect(text).toContain('audience_loop_commands_refused{reason="admin_command_on_record_request"} 1');
  });
});
