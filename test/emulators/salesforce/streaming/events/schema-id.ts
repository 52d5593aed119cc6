import { createHash } from 'node:crypto';

/** A stable 22-character schema id per event type, shaped like Salesforce's (`V2MGwDA2aIP0yQS98S2L6Q`). */
export function schemaIdFor(eventTypeName: string): string {
  return createHash('sha256').update(eventTypeName).digest('base64url').slice(0, 22);
}
