/**
 * Auto-number fields as the platform fills them: on insert each one gets the next number of its object, formatted by
 * its display format (`RUN-{0000000}` → `RUN-0000001`; `{YYYY}`, `{YY}`, `{MM}`, `{DD}` are the insert date). Numbers
 * are never reused, not even after a rolled-back insert (as in an org).
 */
import type { ObjectSpec } from '../schema/field-builders';
import type { Row } from './store';

export function formatAutoNumber(format: string, n: number, at: Date): string {
  return format.replace(/\{(0+|YYYY|YY|MM|DD)\}/g, (_all, token: string) => {
    if (token === 'YYYY') return String(at.getUTCFullYear());
    if (token === 'YY') return String(at.getUTCFullYear()).slice(-2);
    if (token === 'MM') return String(at.getUTCMonth() + 1).padStart(2, '0');
    if (token === 'DD') return String(at.getUTCDate()).padStart(2, '0');
    return String(n).padStart(token.length, '0');
  });
}

export class AutoNumbers {
  private readonly last = new Map<string, number>();

  /** Fills the object's auto-number fields on a row being inserted (a seeded row may bring its own). */
  assign(obj: ObjectSpec, row: Row, now: number): void {
    for (const field of obj.fields) {
      if (field.autoNumberFormat === undefined) continue;
      if (row[field.name] !== undefined && row[field.name] !== null) continue;
      const key = `${obj.name.toLowerCase()}.${field.name}`;
      const n = (this.last.get(key) ?? 0) + 1;
      this.last.set(key, n);
      row[field.name] = formatAutoNumber(field.autoNumberFormat, n, new Date(now));
    }
  }

  clear(): void {
    this.last.clear();
  }
}
