import { z } from 'zod';

const messageId = z.union([z.string(), z.number()]).optional();

/** Fields every message may carry; unknown keys are tolerated as CometD does. */
export const baseMessageSchema = z.looseObject({
  channel: z.string().min(1),
  id: messageId,
  clientId: z.string().optional(),
  ext: z.record(z.string(), z.unknown()).optional(),
});

export const handshakeSchema = baseMessageSchema.extend({
  channel: z.literal('/meta/handshake'),
  version: z.string().optional(),
  supportedConnectionTypes: z.array(z.string()).optional(),
});

export const connectSchema = baseMessageSchema.extend({
  channel: z.literal('/meta/connect'),
  clientId: z.string().min(1),
  connectionType: z.string().optional(),
  advice: z.looseObject({ timeout: z.number().optional(), interval: z.number().optional() }).optional(),
});

export const subscriptionSchema = baseMessageSchema.extend({
  channel: z.union([z.literal('/meta/subscribe'), z.literal('/meta/unsubscribe')]),
  clientId: z.string().min(1),
  subscription: z.string().optional(),
});

export const disconnectSchema = baseMessageSchema.extend({
  channel: z.literal('/meta/disconnect'),
  clientId: z.string().min(1),
});

/** `ext.replay` on a subscribe: channel → replay id (numbers, or numeric strings from loosely typed clients). */
export const replayExtSchema = z.record(z.string(), z.union([z.number(), z.string()]));

export type BaseMessage = z.infer<typeof baseMessageSchema>;
export type HandshakeMessage = z.infer<typeof handshakeSchema>;
export type ConnectMessage = z.infer<typeof connectSchema>;
export type SubscriptionMessage = z.infer<typeof subscriptionSchema>;
export type DisconnectMessage = z.infer<typeof disconnectSchema>;

/** A reply is a plain Bayeux message object. */
export type BayeuxReply = Record<string, unknown>;
