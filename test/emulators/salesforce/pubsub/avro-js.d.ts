/** The part of avro-js (untyped upstream) the Pub/Sub emulator uses. */
declare module 'avro-js' {
  interface AvroField {
    getName(): string;
    getType(): AvroType;
  }
  interface AvroType {
    toBuffer(value: unknown): Buffer;
    fromBuffer(buffer: Buffer): unknown;
    isValid(value: unknown): boolean;
    getFields(): AvroField[];
    getTypes(): AvroType[];
    getName(): string | undefined;
  }
  const avro: {
    parse(schema: unknown, options?: Record<string, unknown>): AvroType;
    types: Record<string, unknown>;
  };
  export type { AvroField, AvroType };
  export default avro;
}
