/** `Evidence__c` is a Long Text Area of 131,072 characters. */
export const EVIDENCE_MAX_LENGTH = 131_072;
/** What ends an evidence cut to fit: whoever reads it knows the JSON is not whole. */
export const EVIDENCE_TRUNCATED_MARKER = '…[truncated]';

/** `Summary__c` is Text(255). */
export const SUMMARY_MAX_LENGTH = 255;

/** The evidence as JSON, cut to the field's length with a marker when it is longer (never refused for size). */
export function evidenceText(evidence: Record<string, unknown>, maxLength = EVIDENCE_MAX_LENGTH): string {
  const json = JSON.stringify(evidence);
  if (json.length <= maxLength) return json;
  return json.slice(0, maxLength - EVIDENCE_TRUNCATED_MARKER.length) + EVIDENCE_TRUNCATED_MARKER;
}

/** The summary on one line, cut to Text(255) with an ellipsis. */
export function summaryText(summary: string): string {
  const line = summary.replace(/\s+/g, ' ').trim();
  return line.length <= SUMMARY_MAX_LENGTH ? line : `${line.slice(0, SUMMARY_MAX_LENGTH - 1)}…`;
}

/** A confidence of 0..1 as the Percent field stores it (0.8 → 80), rounded to the field's two decimals. */
export function confidencePercent(confidence: number): number {
  const bounded = Math.min(1, Math.max(0, confidence));
  return Math.round(bounded * 100 * 100) / 100;
}
