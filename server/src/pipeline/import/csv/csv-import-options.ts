import { z } from 'zod';
import { RECORD_OBJECTS } from '../../../domain/records';

/** Rules a CSV column may be imported under when no active Audience_Field_Map__c names its field. */
export const UNMAPPED_RULES = ['Always', 'Fill_Blank', 'Tracked'] as const;

const apiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a field API name such as Email or Title');

/** What one CSV import does; parsed from the command line by `parseCsvImportArgs`. */
export const csvImportOptionsSchema = z.object({
  file: z.string().min(1, 'name the CSV file to import'),
  object: z.enum(RECORD_OBJECTS),
  /** The field rows are matched on: Email (default), Id, or another filterable text field. */
  match: apiName.default('Email'),
  /** Insert rows that match no record (otherwise they are skipped). */
  create: z.boolean().default(false),
  /** Column header → field API name, for headers that are not field names themselves. */
  map: z.record(z.string().min(1), apiName).default({}),
  /** The rule for columns whose field no active field map names. */
  rule: z.enum(UNMAPPED_RULES).default('Fill_Blank'),
  /** Where to write the report as JSON. */
  report: z.string().min(1).optional(),
  /** The file's charset when it is not UTF-8 (latin1, windows-1252, utf-16le…); unset: UTF-8 or UTF-16 with a BOM. */
  encoding: z.string().min(1).max(40).optional(),
  /** Name on the Audience_Run__c and in provenance; defaults to the file name. */
  label: z.string().min(1).max(80).optional(),
});

export type CsvImportOptions = z.infer<typeof csvImportOptionsSchema>;
export type UnmappedRule = (typeof UNMAPPED_RULES)[number];
