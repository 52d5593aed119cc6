import type * as grpc from '@grpc/grpc-js';
import type { EmulatorContext } from '../org-contract';

/**
 * Every RPC carries the REST session in metadata: `accesstoken` (the same tokens REST accepts) and `tenantid`
 * (the org id, 15 or 18 characters). `instanceurl` is required but not compared: Salesforce's client insists on
 * an https URL, which the emulator's plain-HTTP REST side cannot be.
 */
export function authenticatedUserId(metadata: grpc.Metadata, ctx: EmulatorContext): string | undefined {
  const token = first(metadata, 'accesstoken');
  const tenant = first(metadata, 'tenantid');
  if (!token || !tenant || !first(metadata, 'instanceurl')) return undefined;
  const session = ctx.tokens.verify(token);
  if (!session || session.orgId.slice(0, 15) !== tenant.slice(0, 15)) return undefined;
  return session.userId;
}

function first(metadata: grpc.Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
