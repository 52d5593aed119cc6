import { ATTRIBUTE_SPECS, type AttributeKey } from '../domain/attributes';
import type { DescribeField } from '../salesforce/schema/describe-cache';

/** Describe types that can hold each kind of attribute value. */
const FIELD_TYPES_BY_VALUE_KIND: Record<string, readonly string[]> = {
  email: ['email', 'string', 'textarea'],
  enum: ['picklist', 'string', 'textarea', 'combobox'],
  e164: ['phone', 'string'],
  text: ['string', 'textarea', 'picklist', 'combobox'],
  url: ['url', 'string', 'textarea'],
  domain: ['string', 'url', 'textarea'],
  number: ['double', 'int', 'currency', 'percent'],
  currency: ['currency', 'double'],
  date: ['date', 'datetime', 'string'],
  datetime: ['datetime', 'date', 'string'],
};

/**
 * Why a field map cannot be used as configured, or undefined when it can. Checked against describe as the
 * integration user sees it, so field-level security counts: a field it cannot read is "unknown or not readable".
 */
export function fieldMapProblem(input: {
  object: string;
  field: string;
  attribute: AttributeKey | undefined;
  rule: string;
  describeField: DescribeField | undefined;
  objectHasActiveSource: boolean;
}): string | undefined {
  const { object, field, attribute, rule, describeField } = input;
  if (!input.objectHasActiveSource) return `no active Salesforce source imports ${object}; add or activate one`;
  if (!describeField) return `${object}.${field} does not exist or the integration user cannot read it`;
  if (!attribute) return undefined;
  if (rule !== 'Never' && (!describeField.updateable || describeField.calculated)) {
    return `${object}.${field} is not updateable by the integration user; grant edit access or use the rule Never`;
  }
  const kind = ATTRIBUTE_SPECS[attribute].kind;
  const allowed = FIELD_TYPES_BY_VALUE_KIND[kind] ?? [];
  if (!allowed.includes(describeField.type)) {
    return `${attribute} (${kind}) cannot be written to ${object}.${field} of type ${describeField.type}`;
  }
  return undefined;
}
