import { AppError } from '../../lib/errors';

/**
 * A change event whose body does not have the shape Salesforce documents. It is logged with whatever record ids
 * could be read, skipped, and its replay id still committed so one bad event cannot stall the stream.
 */
export class MalformedChangeEvent extends AppError {
  constructor(
    message: string,
    /** Undefined when even the replay id was unreadable (the event then cannot be committed either). */
    readonly replayId: number | undefined,
    /** Best effort: the header's record ids when they could be read. */
    readonly recordIds: string[],
    /** The CometD `data` object as received. */
    readonly raw: unknown,
  ) {
    super('CDC_MALFORMED_EVENT', message, false);
  }
}
