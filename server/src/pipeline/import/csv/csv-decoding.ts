import { CsvImportError } from './csv-import-error';

/** The file's text with its line ends as they were, and what was found out about its encoding (for the report). */
export interface DecodedCsv {
  text: string;
  /** e.g. "UTF-8", "UTF-8 with a byte order mark", "UTF-16LE (byte order mark)", "latin1 (--encoding)". */
  encoding: string;
  /** Notes for the report's warnings: a BOM removed, a UTF-16 file decoded. */
  notes: string[];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];
/** How much of the file is sampled for NUL bytes (a UTF-16 file without BOM has one next to every ASCII letter). */
const NUL_SAMPLE_BYTES = 64 * 1024;
/** Lines named in the "not UTF-8" message; the count says how many more there are. */
const MAX_LINES_NAMED = 5;

const HINT =
  'Save the file as UTF-8, or name its encoding: --encoding latin1 (ISO-8859-1) or --encoding windows-1252 ' +
  '(Excel on Windows).';

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  prefix.every((byte, index) => bytes[index] === byte);

/**
 * Decodes a CSV file's bytes, refusing what would be written to Salesforce wrongly: UTF-8 (a BOM removed and
 * said), UTF-16 with a BOM (decoded and said), or the charset `--encoding` names. Invalid UTF-8 is refused with the
 * lines that hold it (a Latin-1 "Müller" must not reach the org as "M�ller"), and so is UTF-16 without a BOM
 * (found by its NUL bytes), which would otherwise read as one column of garbage.
 */
export function decodeCsvBytes(bytes: Uint8Array, file: string, encoding?: string): DecodedCsv {
  if (encoding !== undefined && !isUtf8Label(encoding)) return decodeAs(bytes, file, encoding);
  if (startsWith(bytes, UTF8_BOM)) {
    return {
      text: strictUtf8(bytes.subarray(UTF8_BOM.length), file),
      encoding: 'UTF-8 with a byte order mark',
      notes: ['the file starts with a UTF-8 byte order mark (BOM); it was removed'],
    };
  }
  const utf16 = startsWith(bytes, UTF16LE_BOM) ? 'utf-16le' : startsWith(bytes, UTF16BE_BOM) ? 'utf-16be' : undefined;
  if (utf16) {
    const name = utf16.toUpperCase();
    return {
      text: decodeStrict(bytes, utf16, file, `it starts with a ${name} byte order mark but is not valid ${name}`),
      encoding: `${name} (byte order mark)`,
      notes: [`the file is ${name} (it starts with a byte order mark); it was decoded as ${name}`],
    };
  }
  refuseUtf16WithoutBom(bytes, file);
  return { text: strictUtf8(bytes, file), encoding: 'UTF-8', notes: [] };
}

function isUtf8Label(label: string): boolean {
  return ['utf-8', 'utf8', 'unicode-1-1-utf-8'].includes(label.trim().toLowerCase());
}

function decodeAs(bytes: Uint8Array, file: string, label: string): DecodedCsv {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new CsvImportError(
      'CSV_BAD_ARGUMENTS',
      `--encoding: "${label}" is not an encoding this import knows (e.g. latin1, windows-1252, utf-16le)`,
    );
  }
  const text = decodeStrict(bytes, decoder.encoding, file, `it is not valid ${label}`);
  return {
    text,
    encoding: `${decoder.encoding} (--encoding ${label})`,
    notes: [`the file was decoded as ${decoder.encoding} (--encoding ${label})`],
  };
}

function decodeStrict(bytes: Uint8Array, label: string, file: string, problem: string): string {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw new CsvImportError('CSV_BAD_ENCODING', `${file} cannot be read: ${problem}. ${HINT}`);
  }
}

/** NUL bytes in the sample, most of them on one parity: UTF-16 text of mostly ASCII characters. */
function refuseUtf16WithoutBom(bytes: Uint8Array, file: string): void {
  const sample = bytes.subarray(0, NUL_SAMPLE_BYTES);
  let even = 0;
  let odd = 0;
  sample.forEach((byte, index) => {
    if (byte !== 0) return;
    if (index % 2 === 0) even += 1;
    else odd += 1;
  });
  const nuls = even + odd;
  // A stray NUL or two is a control character in a cell (reported there); a quarter of the bytes is an encoding.
  if (nuls < 2 || nuls < sample.length / 4) return;
  const guess = odd >= even ? 'UTF-16LE' : 'UTF-16BE';
  throw new CsvImportError(
    'CSV_BAD_ENCODING',
    `${file} looks like ${guess} without a byte order mark (${nuls} NUL bytes between its characters), not UTF-8. ` +
      `Save it as UTF-8, or give --encoding ${guess.toLowerCase()}.`,
  );
}

/** UTF-8 or a CSV_BAD_ENCODING error naming the lines (and the first bad byte) that are not UTF-8. */
function strictUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const bad = invalidUtf8Lines(bytes);
    const first = bad[0];
    const where = first
      ? `line ${first.line}, column ${first.column} holds byte 0x${first.byte.toString(16).toUpperCase()}`
      : 'a byte sequence is not UTF-8';
    const others =
      bad.length > 1
        ? ` (also line${bad.length > 2 ? 's' : ''} ${bad
            .slice(1, MAX_LINES_NAMED)
            .map((entry) => entry.line)
            .join(', ')}${bad.length > MAX_LINES_NAMED ? ` and ${bad.length - MAX_LINES_NAMED} more` : ''})`
        : '';
    throw new CsvImportError('CSV_BAD_ENCODING', `${file} is not valid UTF-8: ${where}${others}. ${HINT}`);
  }
}

interface BadLine {
  line: number;
  /** Character column of the first undecodable byte (1-based). */
  column: number;
  byte: number;
}

/** Every line (LF, CRLF or CR ended) whose bytes are not UTF-8, with its first bad byte. */
function invalidUtf8Lines(bytes: Uint8Array): BadLine[] {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  const bad: BadLine[] = [];
  let line = 1;
  let start = 0;
  const check = (end: number) => {
    const slice = bytes.subarray(start, end);
    try {
      strict.decode(slice);
    } catch {
      const text = lenient.decode(slice);
      const column = text.indexOf('\uFFFD') + 1;
      const prefixBytes = Buffer.byteLength(text.slice(0, Math.max(0, column - 1)), 'utf8');
      bad.push({ line, column: Math.max(1, column), byte: slice[prefixBytes] ?? 0 });
    }
  };
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (byte !== 0x0a && byte !== 0x0d) continue;
    check(index);
    if (byte === 0x0d && bytes[index + 1] === 0x0a) index += 1;
    line += 1;
    start = index + 1;
  }
  if (start < bytes.length) check(bytes.length);
  return bad;
}
