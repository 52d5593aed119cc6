/**
 * Postgres text values written as the Snowflake SQL API writes cells (docs/snowflake-reference.md §4), and Postgres
 * column types named as Snowflake's rowType names them. The fake runs SELECTs on the real local PostgreSQL and answers
 * in Snowflake's shapes; this file is that translation.
 */
export type FakeRowType = {
  name: string;
  type: string;
  scale: number | null;
  precision: number | null;
  nullable: boolean;
  length: number | null;
};

const PG = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
  name: 19,
} as const;

export function rowTypeFor(
  name: string,
  dataTypeId: number,
  typeModifier: number,
  timestamptzAs: 'timestamp_ltz' | 'timestamp_tz',
): FakeRowType {
  // Snowflake folds unquoted identifiers to upper case; Postgres folds them to lower case.
  const base = { name: name.toUpperCase(), nullable: true, scale: null, precision: null, length: null };
  switch (dataTypeId) {
    case PG.int2:
    case PG.int4:
    case PG.int8:
      return { ...base, type: 'fixed', precision: 38, scale: 0 };
    case PG.numeric:
      // numeric(p,s) keeps (p << 16 | s) + 4 in its modifier; an unconstrained numeric has none → REAL here.
      return typeModifier < 0
        ? { ...base, type: 'real' }
        : {
            ...base,
            type: 'fixed',
            precision: ((typeModifier - 4) >> 16) & 0xffff,
            scale: (typeModifier - 4) & 0xffff,
          };
    case PG.float4:
    case PG.float8:
      return { ...base, type: 'real' };
    case PG.bool:
      return { ...base, type: 'boolean' };
    case PG.date:
      return { ...base, type: 'date' };
    case PG.time:
      return { ...base, type: 'time', scale: 9 };
    case PG.timestamp:
      return { ...base, type: 'timestamp_ntz', scale: 9 };
    case PG.timestamptz:
      return { ...base, type: timestamptzAs, scale: 9 };
    case PG.json:
    case PG.jsonb:
      return { ...base, type: 'variant' };
    default:
      return { ...base, type: 'text', length: 16_777_216 };
  }
}

/** "2026-01-02 03:04:05.123456" (+00 or not) → "<epoch seconds>.<9 digits>". The session runs in UTC. */
function epochText(pgText: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:[+-]00)?$/.exec(pgText);
  if (!match) throw new Error(`fake: unexpected timestamp text ${pgText}`);
  const seconds = Date.parse(`${match[1]}T${match[2]}Z`) / 1000;
  return `${seconds}.${(match[3] ?? '').padEnd(9, '0')}`;
}

export function cellFor(rowType: FakeRowType, pgText: string | null, tzOffsetMinutes: number): string | null {
  if (pgText === null) return null;
  switch (rowType.type) {
    case 'boolean':
      return pgText === 't' ? 'true' : 'false';
    case 'date':
      return String(Date.parse(`${pgText}T00:00:00Z`) / 86_400_000);
    case 'time': {
      const [hms = '', fraction = ''] = pgText.split('.');
      const [h = 0, m = 0, s = 0] = hms.split(':').map(Number);
      return `${h * 3600 + m * 60 + s}.${fraction.padEnd(9, '0')}`;
    }
    case 'timestamp_ntz':
    case 'timestamp_ltz':
      return epochText(pgText);
    case 'timestamp_tz':
      return `${epochText(pgText)} ${tzOffsetMinutes + 1440}`;
    case 'real':
      return pgText === 'Infinity' ? 'inf' : pgText === '-Infinity' ? '-inf' : pgText;
    default:
      return pgText;
  }
}
