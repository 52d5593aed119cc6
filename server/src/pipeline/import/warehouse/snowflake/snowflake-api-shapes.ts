/** The SQL API's answers as zod schemas (docs/snowflake-reference.md §3): anything else is a protocol error. */
import { z } from 'zod';

export const rowTypeSchema = z.object({
  name: z.string(),
  type: z.string(),
  scale: z.number().int().nullish(),
  nullable: z.boolean().optional(),
});

const cellsSchema = z.array(z.array(z.string().nullable()));

export const resultSetSchema = z.object({
  statementHandle: z.string().min(1),
  resultSetMetaData: z.object({
    numRows: z.number().int().nonnegative(),
    rowType: z.array(rowTypeSchema),
    partitionInfo: z.array(z.object({ rowCount: z.number().int().nonnegative() })).min(1),
  }),
  data: cellsSchema,
});
export type ResultSet = z.infer<typeof resultSetSchema>;

/** `GET …?partition=N` answers the rows; the metadata may or may not be repeated. */
export const partitionSchema = z.object({ data: cellsSchema });

/** 202: still running. */
export const queryStatusSchema = z.object({
  statementHandle: z.string().min(1),
  statementStatusUrl: z.string().min(1),
  code: z.string().optional(),
  message: z.string().optional(),
});

/** 4xx/5xx bodies: `code`/`message`, with `sqlState` and the handle when a statement failed (422). */
export const failureSchema = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  sqlState: z.string().optional(),
  statementHandle: z.string().optional(),
});

/** A bind variable: the value is always a string; the type names how Snowflake reads it. */
export type SnowflakeBinding = { type: 'TEXT' | 'FIXED' | 'REAL' | 'BOOLEAN'; value: string };
