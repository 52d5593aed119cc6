/**
 * `multipart/form-data` record bodies (what `sf data create file` sends to `/sobjects/ContentVersion`): the JSON
 * part (`entity_content`, or any `application/json` part) gives the fields, the binary part the base64 field it is
 * named after (`VersionData`).
 */
import { SfError } from '../errors';

interface Part {
  name: string;
  contentType: string;
  data: Buffer;
}

function parts(raw: Buffer, boundary: string): Part[] {
  const out: Part[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = raw.subarray(start + delimiter.length, next);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      let data = chunk.subarray(headerEnd + 4);
      if (data.subarray(-2).toString() === '\r\n') data = data.subarray(0, -2);
      out.push({
        name: /name="([^"]*)"/i.exec(headers)?.[1] ?? '',
        contentType: /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim() ?? '',
        data,
      });
    }
    start = next;
  }
  return out;
}

/** The record body a multipart request carries. */
export function multipartRecord(raw: Buffer, contentType: string): Record<string, unknown> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new SfError(400, 'JSON_PARSER_ERROR', 'The multipart request has no boundary.');
  const all = parts(raw, boundary);
  const json = all.find((p) => p.name === 'entity_content' || /json/i.test(p.contentType));
  if (!json) throw new SfError(400, 'JSON_PARSER_ERROR', 'The multipart request has no entity_content part.');
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json.data.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new SfError(400, 'JSON_PARSER_ERROR', 'The entity_content part is not valid JSON.');
  }
  for (const p of all) if (p !== json && p.name) record[p.name] = p.data.toString('base64');
  return record;
}
