import { isIP } from 'node:net';
import { z } from 'zod';
import { PUBSUB_DEFAULT_ENDPOINT } from '../salesforce/stream/pubsub-endpoint';

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Why a `host:port` endpoint is refused, or undefined when it is fine. */
export function pubSubEndpointProblem(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return `must be host:port without a scheme (gRPC over TLS always), e.g. ${PUBSUB_DEFAULT_ENDPOINT}`;
  const at = value.lastIndexOf(':');
  const host = at > 0 ? value.slice(0, at) : '';
  const port = at > 0 ? value.slice(at + 1) : '';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    return `must be host:port with a port from 1 to 65535, e.g. ${PUBSUB_DEFAULT_ENDPOINT}`;
  const bracketed = /^\[(.+)\]$/.exec(host)?.[1];
  const hostOk = bracketed !== undefined ? isIP(bracketed) === 6 : isIP(host) === 4 || HOST_NAME.test(host);
  return hostOk ? undefined : `names no valid host (a name, an IPv4 address or [IPv6]): "${host}"`;
}

/**
 * `PUBSUB_ENDPOINT`: where `CDC_TRANSPORT=pubsub` opens its gRPC streams (default Salesforce's). Surrounding spaces
 * are dropped; anything but `host:port` is refused at start rather than failing on the first subscribe.
 */
export const pubSubEndpointSetting = z
  .string()
  .transform((value) => value.trim())
  .superRefine((value, ctx) => {
    const problem = pubSubEndpointProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .default(PUBSUB_DEFAULT_ENDPOINT);
