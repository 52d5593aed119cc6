/**
 * The few Pub/Sub API pieces the CDC transport needs, on `@grpc/grpc-js` with Salesforce's proto (the copy
 * `salesforce-pubsub-api-client` ships) and `avro-js`. Not that client's subscribe: it decodes a batch's events
 * while awaiting a schema fetch per new schema id, so a later batch can overtake an earlier one — and a change
 * stream must keep replay order. Here every event is decoded in arrival order.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import avroJs from 'avro-js';

export interface AvroField {
  getName(): string;
  getType(): AvroType;
}
export interface AvroType {
  fromBuffer(buffer: Buffer): unknown;
  getFields?(): AvroField[];
  getTypes?(): AvroType[];
}
interface AvroLib {
  parse(schema: unknown, options?: Record<string, unknown>): AvroType;
  types: { LongType: { using(methods: Record<string, unknown>): unknown } };
}
const avro = avroJs as unknown as AvroLib;

/** Longs as numbers, or BigInt beyond 2^53 (avro-js would lose precision). */
const LONG = avro.types.LongType.using({
  fromBuffer: (buf: Buffer) => {
    const big = buf.readBigInt64LE();
    return big < BigInt(Number.MIN_SAFE_INTEGER) || big > BigInt(Number.MAX_SAFE_INTEGER) ? big : Number(big);
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: unknown) => BigInt(n as number),
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'number' || typeof n === 'bigint',
  compare: (a: number | bigint, b: number | bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

export interface FetchResponse {
  events: { event: { id: string; schemaId: string; payload: Buffer }; replayId: Buffer }[];
  latestReplayId: Buffer;
  pendingNumRequested: number;
}

export type PubSubClient = grpc.Client & {
  Subscribe(metadata: grpc.Metadata): grpc.ClientDuplexStream<unknown, FetchResponse>;
  GetSchema(
    request: { schemaId: string },
    metadata: grpc.Metadata,
    callback: (error: grpc.ServiceError | null, response: { schemaJson: string }) => void,
  ): void;
};

let pubSubConstructor: grpc.ServiceClientConstructor | undefined;

function pubSubService(): grpc.ServiceClientConstructor {
  if (!pubSubConstructor) {
    // The package's `exports` hide package.json; its entry point lives in dist/, the proto one level up.
    const entry = createRequire(import.meta.url).resolve('salesforce-pubsub-api-client');
    const definition = protoLoader.loadSync(join(dirname(entry), '..', 'pubsub_api.proto'), {
      keepCase: false,
      enums: String,
      defaults: true,
      arrays: true,
    });
    const root = grpc.loadPackageDefinition(definition) as unknown as {
      eventbus: { v1: { PubSub: grpc.ServiceClientConstructor } };
    };
    pubSubConstructor = root.eventbus.v1.PubSub;
  }
  return pubSubConstructor;
}

/** A channel over TLS (mandatory on the Pub/Sub API); the emulator's certificate is self-signed. */
export function pubSubClient(endpoint: string, rejectUnauthorized: boolean): PubSubClient {
  const Service = pubSubService();
  const credentials = grpc.credentials.createSsl(null, null, null, { rejectUnauthorized });
  return new Service(endpoint, credentials) as unknown as PubSubClient;
}

/** Every RPC carries the REST session: `accesstoken`, `instanceurl`, `tenantid` (the org id). */
export function sessionMetadata(accessToken: string, instanceUrl: string, orgId: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('accesstoken', accessToken);
  metadata.set('instanceurl', instanceUrl);
  metadata.set('tenantid', orgId);
  return metadata;
}

export function encodeReplayId(replayId: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(replayId));
  return buf;
}

/** Replay ids are 8-byte big-endian unsigned on the wire. */
export function decodeReplayId(buf: Buffer): number {
  if (buf.length !== 8) throw new Error(`a replay id is 8 bytes, got ${buf.length}`);
  return Number(buf.readBigUInt64BE());
}

export function parseSchema(schemaJson: string): AvroType {
  return avro.parse(schemaJson, { registry: { long: LONG } });
}

/** A decoded record with union wrappers (`{ string: 'x' }`) removed and the header's bitmaps made field names. */
export function decodeEvent(type: AvroType, payload: Buffer): Record<string, unknown> {
  const record = unwrapRecord(type, type.fromBuffer(payload) as Record<string, unknown>);
  const header = record.ChangeEventHeader as Record<string, unknown> | undefined;
  if (header && typeof header === 'object') {
    const fields = type.getFields?.() ?? [];
    for (const key of ['changedFields', 'nulledFields', 'diffFields']) {
      header[key] = fieldNamesFromBitmaps(fields, Array.isArray(header[key]) ? (header[key] as string[]) : []);
    }
  }
  return record;
}

function recordBranch(type: AvroType): AvroType | undefined {
  return type.getTypes?.().find((t) => typeof t.getFields === 'function');
}

function unwrapRecord(type: AvroType, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.getFields?.() ?? []) out[field.getName()] = unwrap(field.getType(), value[field.getName()]);
  return out;
}

function unwrap(type: AvroType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof type.getTypes === 'function') {
    // A union value is `{ <branch name>: value }`.
    if (typeof value !== 'object' || Buffer.isBuffer(value)) return value;
    const inner = Object.values(value as Record<string, unknown>)[0];
    const record = recordBranch(type);
    return record && inner !== null && typeof inner === 'object' && !Buffer.isBuffer(inner) && !Array.isArray(inner)
      ? unwrapRecord(record, inner as Record<string, unknown>)
      : inner;
  }
  if (typeof type.getFields === 'function' && typeof value === 'object' && !Array.isArray(value)) {
    return unwrapRecord(type, value as Record<string, unknown>);
  }
  return value;
}

/**
 * `['0x…', 'n-0x…']`: bit i of the first is top-level field i; `n-0x…` sets bits over the components of the
 * compound at index n (named `Compound.Component`).
 */
export function fieldNamesFromBitmaps(fields: AvroField[], bitmaps: string[]): string[] {
  const names: string[] = [];
  for (const bitmap of bitmaps) {
    const dash = bitmap.indexOf('-');
    if (dash < 0) {
      names.push(...namesFromBits(fields, bitmap));
      continue;
    }
    const parent = fields[Number.parseInt(bitmap.slice(0, dash), 10)];
    const record = parent ? (recordBranch(parent.getType()) ?? parent.getType()) : undefined;
    const children = record?.getFields?.() ?? [];
    for (const child of namesFromBits(children, bitmap.slice(dash + 1))) names.push(`${parent!.getName()}.${child}`);
  }
  return names;
}

function namesFromBits(fields: AvroField[], hex: string): string[] {
  let bits: bigint;
  try {
    bits = BigInt(hex);
  } catch {
    throw new Error(`unreadable field bitmap ${hex}`);
  }
  return fields.filter((_, i) => (bits >> BigInt(i)) & 1n).map((f) => f.getName());
}
