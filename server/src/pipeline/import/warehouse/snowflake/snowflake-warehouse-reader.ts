/**
 * The Snowflake reader behind the warehouse pipeline's seam: same reads, its SnowflakeErrors told in the pipeline's
 * WarehouseError codes (a refused key or an unavailable account is retried on the next schedule; a failed
 * statement needs a person).
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SnowflakeConnectionSettings } from '../../../../env/snowflake-connections';
import { WarehouseError, type WarehouseErrorCode } from '../warehouse-error';
import type { WarehouseReadRequest, WarehouseReader, WarehouseRow } from '../warehouse-reader';
import type { SnowflakeClientOptions } from './snowflake-client';
import { SnowflakeError, type SnowflakeErrorCode } from './snowflake-errors';
import { SnowflakeReader } from './snowflake-reader';

const AS_WAREHOUSE: Record<SnowflakeErrorCode, WarehouseErrorCode> = {
  SNOWFLAKE_AUTH_FAILED: 'WAREHOUSE_UNREACHABLE',
  SNOWFLAKE_UNAVAILABLE: 'WAREHOUSE_UNREACHABLE',
  SNOWFLAKE_STATEMENT_TIMEOUT: 'WAREHOUSE_UNREACHABLE',
  SNOWFLAKE_PROTOCOL: 'WAREHOUSE_UNREACHABLE',
  SNOWFLAKE_STATEMENT_FAILED: 'WAREHOUSE_QUERY_FAILED',
  SNOWFLAKE_REQUEST_REFUSED: 'WAREHOUSE_QUERY_FAILED',
  SNOWFLAKE_QUERY_REFUSED: 'WAREHOUSE_QUERY_REFUSED',
};

export function asWarehouseError(error: unknown): unknown {
  if (!(error instanceof SnowflakeError)) {
    if (error instanceof Error && (error as { code?: string }).code === 'SNOWFLAKE_BAD_CELL') {
      return new WarehouseError('WAREHOUSE_QUERY_FAILED', `Snowflake: ${error.message}`, { cause: error });
    }
    return error;
  }
  return new WarehouseError(AS_WAREHOUSE[error.code], `Snowflake: ${error.message}`, { cause: error });
}

export class SnowflakeWarehouseReader implements WarehouseReader {
  private constructor(private readonly reader: SnowflakeReader) {}

  /** Reads the private key file now, so a missing or encrypted key is a visible source status, not a crash later. */
  static async open(
    settings: SnowflakeConnectionSettings,
    options: SnowflakeClientOptions = {},
  ): Promise<SnowflakeWarehouseReader> {
    let privateKey;
    try {
      privateKey = createPrivateKey(await readFile(settings.privateKeyFile, 'utf8'));
    } catch (error) {
      // The path is configuration, not a secret; the key's content never goes into a message.
      throw new WarehouseError(
        'WAREHOUSE_BAD_SETTINGS',
        `the Snowflake private key file ${settings.privateKeyFile} is not a readable unencrypted PEM key`,
        { cause: error },
      );
    }
    return new SnowflakeWarehouseReader(new SnowflakeReader({ ...settings, privateKey }, options));
  }

  checkQuery(query: string): void {
    try {
      this.reader.checkQuery(query);
    } catch (error) {
      throw asWarehouseError(error);
    }
  }

  async *read(request: WarehouseReadRequest): AsyncGenerator<WarehouseRow[]> {
    try {
      yield* this.reader.read(request);
    } catch (error) {
      throw asWarehouseError(error);
    }
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
