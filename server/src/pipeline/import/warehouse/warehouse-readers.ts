import type { WarehouseSettings, WarehouseType } from '../../../config/warehouse-source';
import type { WarehouseConnections } from '../../../env/warehouse-connections';
import { checkPostgresQuery, loadPostgresParser } from './postgres-query-check';
import { PostgresReader } from './postgres-reader';
import type { SnowflakeClientOptions } from './snowflake/snowflake-client';
import { checkSnowflakeQuery } from './snowflake/snowflake-query';
import { asWarehouseError, SnowflakeWarehouseReader } from './snowflake/snowflake-warehouse-reader';
import { WarehouseError } from './warehouse-error';
import type { WarehouseReader } from './warehouse-reader';

export type WarehouseReadersOptions = {
  connections: WarehouseConnections;
  /** Longest one statement (a page's FETCH included) may run (ms). */
  statementTimeoutMs?: number;
  /** Snowflake client options (tests pass a sleep that does not wait). */
  snowflake?: SnowflakeClientOptions;
};

/** Default statement timeout: long enough for a warehouse view, short enough that a stuck read ends visibly. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5 * 60_000;

/**
 * The readers this server can open, by source type, and the checks a source passes at config load (its connection
 * is set here, its query is one read-only statement). The Snowflake reader plugs in beside Postgres.
 */
export class WarehouseReaders {
  constructor(private readonly options: WarehouseReadersOptions) {}

  /** Ready to check: loads the SQL parser (once), so `problem` stays synchronous. */
  static async create(options: WarehouseReadersOptions): Promise<WarehouseReaders> {
    const readers = new WarehouseReaders(options);
    await readers.ready();
    return readers;
  }

  ready(): Promise<void> {
    return loadPostgresParser();
  }

  /** The problem with a source's settings on this server, in words for its Status_Message__c; undefined if none. */
  problem(type: WarehouseType, settings: WarehouseSettings): string | undefined {
    try {
      if (type === 'Snowflake') {
        this.snowflakeSettings(settings.connection);
        checkSnowflakeQuery(settings.query);
        return undefined;
      }
      this.connectionString(type, settings.connection);
      if (type === 'Postgres') checkPostgresQuery(settings.query);
      return undefined;
    } catch (error) {
      return (asWarehouseError(error) as Error).message;
    }
  }

  async open(type: WarehouseType, connection: string): Promise<WarehouseReader> {
    if (type === 'Snowflake') {
      const timeout = Math.ceil((this.options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS) / 1000);
      return SnowflakeWarehouseReader.open(this.snowflakeSettings(connection), {
        statementTimeoutSeconds: timeout,
        ...this.options.snowflake,
      });
    }
    const connectionString = this.connectionString(type, connection);
    return PostgresReader.create({
      connectionString,
      statementTimeoutMs: this.options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    });
  }

  private snowflakeSettings(connection: string) {
    const name = connection.toUpperCase();
    const settings = this.options.connections.snowflake.get(name);
    if (!settings) {
      throw new WarehouseError(
        'WAREHOUSE_BAD_SETTINGS',
        `connection ${connection} is not set on the server: set SNOWFLAKE_${name}_ACCOUNT, _USER and _PRIVATE_KEY_FILE`,
      );
    }
    return settings;
  }

  private connectionString(type: WarehouseType, connection: string): string {
    if (type !== 'Postgres') {
      throw new WarehouseError('WAREHOUSE_BAD_SETTINGS', `${type} sources are not supported by this server yet`);
    }
    const url = this.options.connections.postgres.get(connection.toUpperCase());
    if (!url) {
      throw new WarehouseError(
        'WAREHOUSE_BAD_SETTINGS',
        `connection ${connection} is not set on the server: set POSTGRES_URL_${connection.toUpperCase()}`,
      );
    }
    return url;
  }
}
