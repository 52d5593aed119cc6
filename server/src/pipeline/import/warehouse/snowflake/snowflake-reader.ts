/**
 * The Snowflake side of a warehouse source: one statement per run through the SQL API, rows decoded by rowType and
 * handed out in pages, one result partition in memory at a time.
 */
import { decodeRow, type SnowflakeValue } from './snowflake-cells';
import { SnowflakeClient, type SnowflakeClientOptions, type SnowflakeConnection } from './snowflake-client';
import { checkSnowflakeQuery, incrementalStatement } from './snowflake-query';

type WarehouseRow = Record<string, SnowflakeValue>;
type WarehouseReadRequest = {
  query: string;
  cursorColumn?: string;
  keyColumn?: string;
  after?: { cursor: string; key: string };
  pageSize: number;
  signal?: AbortSignal;
};

export class SnowflakeReader {
  readonly client: SnowflakeClient;

  constructor(connection: SnowflakeConnection, options: SnowflakeClientOptions = {}) {
    this.client = new SnowflakeClient(connection, options);
  }

  checkQuery(query: string): void {
    checkSnowflakeQuery(query);
  }

  async *read(request: WarehouseReadRequest): AsyncGenerator<WarehouseRow[]> {
    const { statement, bindings } = incrementalStatement(request);
    const result = await this.client.execute(statement, bindings, request.signal);
    let page: WarehouseRow[] = [];
    for await (const cells of this.client.partitions(result, request.signal)) {
      for (const row of cells) {
        page.push(decodeRow(result.columns, row));
        if (page.length >= request.pageSize) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
  }

  /** Nothing to release: the SQL API is stateless HTTP. */
  async close(): Promise<void> {}
}
