import type { RecordObject } from '../../../../domain/mirror-record';

/** What a sequencer (Outreach, Salesloft) needs of a person: the email it is keyed by, the opt-out, the names. */
export function sequencerPersonFields(object: RecordObject): string[] {
  const fields = ['Email', 'HasOptedOutOfEmail', 'FirstName', 'LastName', 'Title'];
  return object === 'Lead' ? [...fields, 'Company'] : fields;
}

/** `data.id` of a JSON reply (a created or fetched resource), as a string. */
export function dataId(body: unknown): string | undefined {
  const id = (body as { data?: { id?: unknown } } | undefined)?.data?.id;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** The id of the first item of a JSON list reply (`data: [...]`), as a string. */
export function firstId(body: unknown): string | undefined {
  const data = (body as { data?: unknown } | undefined)?.data;
  const first = Array.isArray(data) ? (data[0] as { id?: unknown } | undefined) : undefined;
  return typeof first?.id === 'number' || typeof first?.id === 'string' ? String(first.id) : undefined;
}
