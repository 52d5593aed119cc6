import type { FieldValue } from '../../../../domain/mirror-record';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)?)\}/g;

/** The record fields a template names (`Call {FirstName}` → FirstName). */
export function templateFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Fills `{Field}` placeholders from the record; a blank or unknown field becomes empty text. */
export function fillTemplate(template: string, fields: Record<string, FieldValue>): string {
  return template
    .replace(PLACEHOLDER, (_, name: string) => {
      const value = fields[name];
      return value === null || value === undefined ? '' : String(value);
    })
    .replace(/\s+/g, ' ')
    .trim();
}
