/** Pub/Sub replay ids are opaque bytes on the wire; Salesforce's clients read them as 8-byte big-endian integers. */
export function encodeReplayId(replayId: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(Math.max(0, replayId)));
  return buffer;
}

/** undefined when the bytes are not an 8-byte id (the server answers "replay id corrupted"). */
export function decodeReplayId(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes || bytes.length !== 8) return undefined;
  return Number(Buffer.from(bytes).readBigUInt64BE());
}
