/** Error_Summary__c of Audience_Run__c: a long text area of this many characters (force-app). */
export const ERROR_SUMMARY_LENGTH = 131_072;

/** `lines` (the first of `total` items) joined, with "…and N more <what>" when some were left out. */
export function withMoreTail(lines: readonly string[], total: number, what: string): string {
  const more = total - lines.length;
  return more > 0 ? [...lines, `…and ${more} more ${what}`].join('\n') : lines.join('\n');
}

/**
 * `text` within `maxLength` characters: whole lines kept while they fit, then "…and N more lines" (or, when even
 * the first line is too long, that line cut and "…and N more characters"). Salesforce refuses a longer value and
 * the whole update with it, and a summary cut mid-word without saying so reads as complete.
 */
export function capSummary(text: string, maxLength: number = ERROR_SUMMARY_LENGTH): string {
  if (text.length <= maxLength) return text;
  const lines = text.split('\n');
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const tail = `…and ${lines.length - index} more lines`;
    const needed = length + (kept.length > 0 ? 1 : 0) + line.length;
    if (needed + 1 + tail.length > maxLength) {
      if (kept.length > 0) return `${kept.join('\n')}\n${tail}`;
      break;
    }
    kept.push(line);
    length = needed;
  }
  const reserve = `\n…and ${text.length} more characters`.length;
  const cut = text.slice(0, Math.max(0, maxLength - reserve));
  return `${cut}\n…and ${text.length - cut.length} more characters`;
}
