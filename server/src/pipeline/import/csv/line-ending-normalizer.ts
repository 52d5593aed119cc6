import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Turns CRLF and lone CR into LF as text streams through, so the CSV parser sees one kind of line break: its line
 * count then equals the file's (csv-parse counts a CRLF inside a quoted field twice), and multi-line values reach
 * Salesforce with the LF it stores. A CR at the end of a chunk waits for the next one.
 */
export function createLineEndingNormalizer(): Transform {
  const decoder = new StringDecoder('utf8');
  let heldCr = false;
  const convert = (text: string, final: boolean): string => {
    let input = heldCr ? `\r${text}` : text;
    heldCr = false;
    if (!final && input.endsWith('\r')) {
      heldCr = true;
      input = input.slice(0, -1);
    }
    return input.replace(/\r\n?/g, '\n');
  };
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      callback(null, convert(decoder.write(chunk), false));
    },
    flush(callback: TransformCallback) {
      callback(null, convert(decoder.end(), true));
    },
  });
}
