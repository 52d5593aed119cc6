import { formatIsoDateTime } from '../org/clock';
import type { Row } from '../org/store';
import type { FieldSpec } from '../schema/field-builders';
import { addressValue } from '../soql/query-engine';

/** A UI API Field Value: the raw value and, where Salesforce formats one, a display value. */
export interface FieldValue {
  displayValue: string | null;
  value: unknown;
}

const currency = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * Raw values as the UI API returns them (datetimes ISO 8601 with `Z`, dates `YYYY-MM-DD`); display values only
 * where the platform fills them — picklist labels, dates, datetimes, currency (an en_US, UTC user) — else null.
 */
export function fieldValue(field: FieldSpec, row: Row): FieldValue {
  const raw = field.type === 'address' ? addressValue(row, field.name) : row[field.name];
  if (raw === undefined || raw === null) {
    return { displayValue: null, value: field.type === 'boolean' ? false : null };
  }
  switch (field.type) {
    case 'datetime': {
      const ms = typeof raw === 'number' ? raw : Date.parse(String(raw));
      return { displayValue: shortDateTime(ms), value: formatIsoDateTime(ms) };
    }
    case 'date':
      return { displayValue: shortDate(String(raw)), value: raw };
    case 'currency':
      return { displayValue: currency.format(Number(raw)), value: raw };
    case 'picklist': {
      const label = field.picklistValues.find((p) => p.value === raw)?.label;
      return { displayValue: label ?? String(raw), value: raw };
    }
    case 'multipicklist': {
      const labels = String(raw)
        .split(';')
        .map((v) => field.picklistValues.find((p) => p.value === v)?.label ?? v);
      return { displayValue: labels.join(';'), value: raw };
    }
    default:
      return { displayValue: null, value: raw };
  }
}

/** `2024-03-05` → `3/5/2024` (en_US short date). */
function shortDate(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return `${m}/${d}/${y}`;
}

/** en_US short date and time in UTC: `3/5/2024, 2:07 PM`. */
function shortDateTime(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours() % 12 || 12;
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  const meridiem = d.getUTCHours() < 12 ? 'AM' : 'PM';
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}, ${hours}:${minutes} ${meridiem}`;
}
