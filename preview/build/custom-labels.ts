/**
 * `@salesforce/label/c.X` values, read from force-app's CustomLabels.labels-meta.xml (the deployed metadata is the
 * only source of truth: a label missing there is a build error, as a failed deploy would be).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

const labelSchema = z.object({ fullName: z.string(), value: z.union([z.string(), z.number()]) });
const fileSchema = z.object({
  CustomLabels: z.object({ labels: z.union([labelSchema, z.array(labelSchema)]).optional() }),
});

export function readCustomLabels(forceAppRoot: string): Map<string, string> {
  const file = path.join(forceAppRoot, 'labels', 'CustomLabels.labels-meta.xml');
  const labels = new Map<string, string>();
  if (!existsSync(file)) return labels;
  const parsed = fileSchema.parse(
    new XMLParser({ parseTagValue: false, trimValues: false }).parse(readFileSync(file, 'utf8')),
  );
  const entries = parsed.CustomLabels.labels;
  for (const label of Array.isArray(entries) ? entries : entries ? [entries] : []) {
    // Formatted XML wraps long values over lines: the label is the text, its whitespace collapsed.
    labels.set(label.fullName, String(label.value).replace(/\s+/g, ' ').trim());
  }
  return labels;
}
