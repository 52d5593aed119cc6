import type { Loop } from '../../runtime/compose';
import type { InboundSignalLoop } from './inbound-signal-intake';
import { OrgSignalRecordResolver } from './signal-record-resolver';

const resolvers = new WeakMap<Loop, OrgSignalRecordResolver>();

/**
 * The running loop as the inbound signal intake sees it: its rules once the configuration is loaded (before that,
 * nothing: the route answers 503), the org to find records in, and the signal sink the firer fills.
 */
export function inboundSignalLoop(loop: Loop | undefined): InboundSignalLoop | undefined {
  if (!loop || loop.config.current.loadedAt === '') return undefined;
  let resolver = resolvers.get(loop);
  if (!resolver) {
    resolver = new OrgSignalRecordResolver(loop.deps.org);
    resolvers.set(loop, resolver);
  }
  return { rules: () => loop.config.current.signalRules, resolver, sink: loop.signals.sink };
}
