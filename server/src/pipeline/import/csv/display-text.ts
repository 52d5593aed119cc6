// How file content is quoted back in reports and errors: short, and never raw control characters.

/** Control characters a cell may not hold: C0 except tab, LF and CR; DEL; and C1 (U+0080–U+009F). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** At most `max` characters of `text`, with "…" where it was cut; control characters shown as U+XXXX. */
export function clip(text: string, max = 60): string {
  const shown = text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  return shown.replace(new RegExp(CONTROL.source, 'g'), (char) => `<${codePoint(char)}>`);
}

/** "U+0007" */
export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first control character in `text` and its index, or undefined. */
export function findControlCharacter(text: string): { char: string; index: number } | undefined {
  const match = CONTROL.exec(text);
  return match ? { char: match[0], index: match.index } : undefined;
}

/** "a, b, c and 4 more", each clipped: a list that stays short however long the file's list is. */
export function listClipped(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).map((item) => `"${clip(item)}"`);
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}
