import { describe, expect, it } from 'vitest';
import { AppError, UnavailableError } from '../../../src/lib/errors';
import { classifyHandlerFailure } from '../../../src/salesforce/stream/handler-failure';

const sfError = (errorCode: string, message = 'refused') => Object.assign(new Error(message), { errorCode });
const nodeError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });

describe('classifyHandlerFailure', () => {
  it.each([
    ['Redis loading after a restart', new Error('LOADING Redis is loading the dataset in memory'), 'REDIS_LOADING'],
    ['Redis read-only replica', new Error("READONLY You can't write against a read only replica."), 'REDIS_READONLY'],
    ['ioredis without a connection', new Error('Connection is closed.'), 'REDIS_UNREACHABLE'],
    ['a refused connection', nodeError('ECONNREFUSED'), 'ECONNREFUSED'],
    ['a locked row', sfError('UNABLE_TO_LOCK_ROW'), 'UNABLE_TO_LOCK_ROW'],
    ['an org answering 503', sfError('ERROR_HTTP_503'), 'ERROR_HTTP_503'],
    ['the daily API limit', sfError('REQUEST_LIMIT_EXCEEDED'), 'REQUEST_LIMIT_EXCEEDED'],
    ['a retryable coded error', new UnavailableError('REDIS_UNREACHABLE', 'down'), 'REDIS_UNREACHABLE'],
    ['a cause that is transient', new Error('enqueue failed', { cause: nodeError('ECONNRESET') }), 'ECONNRESET'],
  ])('when the handler fails with %s, then it is transient (retried without limit)', (_what, error, code) => {
    expect(classifyHandlerFailure(error)).toMatchObject({ transient: true, code });
  });

  it.each([
    ['a field the user cannot read', sfError('INVALID_FIELD', "No such column 'Name'"), 'INVALID_FIELD'],
    [
      'an id the org refuses',
      sfError('INVALID_QUERY_FILTER_OPERATOR', 'invalid ID field'),
      'INVALID_QUERY_FILTER_OPERATOR',
    ],
    ['a coded error that is final', new AppError('FILTER_INVALID', 'bad filter', false), 'FILTER_INVALID'],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), 'HANDLER_FAILED'],
  ])('when the handler fails with %s, then it counts towards a dead letter', (_what, error, code) => {
    expect(classifyHandlerFailure(error)).toMatchObject({ transient: false, code });
  });

  it('when the message is very long, then it is cut short', () => {
    const { message } = classifyHandlerFailure(new Error('x'.repeat(5_000)));
    expect(message.length).toBeLessThanOrEqual(300);
  });
});
