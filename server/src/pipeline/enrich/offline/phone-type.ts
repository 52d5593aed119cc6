import type { NumberType } from 'libphonenumber-js/max';
import type { PhoneType } from '../../../domain/attributes';

// Premium-rate, shared-cost, personal, pager, UAN and voicemail numbers are rare in CRM data: all become 'other'.
const PHONE_TYPE_BY_LIBPHONENUMBER_TYPE: Partial<Record<NonNullable<NumberType>, PhoneType>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed_line',
  FIXED_LINE_OR_MOBILE: 'fixed_line_or_mobile',
  TOLL_FREE: 'toll_free',
  VOIP: 'voip',
};

/** `person.phone_type` from libphonenumber's type of a valid number; 'other' when it has no better answer. */
export function phoneType(numberType: NumberType): PhoneType {
  return (numberType && PHONE_TYPE_BY_LIBPHONENUMBER_TYPE[numberType]) ?? 'other';
}
