/** Salesforce REST error shape: a JSON array of `{ message, errorCode, fields? }`, with an HTTP status. */
export interface SfErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

export class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'SfError';
  }

  toBody(): SfErrorItem[] {
    const item: SfErrorItem = { message: this.message, errorCode: this.errorCode };
    if (this.fields) item.fields = this.fields;
    return [item];
  }
}

/** A per-record DML error as collections report it (`statusCode`, not `errorCode`). */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export function recordError(statusCode: string, message: string, fields: string[] = []): RecordError {
  return { statusCode, message, fields };
}

/** Thrown by record validation; carries the per-record errors. */
export class RecordErrors extends Error {
  constructor(readonly errors: RecordError[]) {
    super(errors.map((e) => `${e.statusCode}: ${e.message}`).join('; '));
    this.name = 'RecordErrors';
  }

  /** The single-record REST rendering: 400 with `errorCode` instead of `statusCode`. */
  toSfError(status = 400): SfError[] {
    return this.errors.map((e) => new SfError(status, e.statusCode, e.message, e.fields));
  }
}

export const notFound = (): SfError => new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const invalidSession = (): SfError => new SfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const requestLimitExceeded = (): SfError =>
  new SfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export const jsonParserError = (detail: string): SfError => new SfError(400, 'JSON_PARSER_ERROR', detail);
