import type { ProviderInput } from '../providers/provider-contract';
import type { WaterfallResult } from '../waterfall/waterfall';
import type { WaterfallServices } from './waterfall-services';

/**
 * A won work email becomes the record's Email (Fill_Blank), and the cache identifies a person by email before
 * name + domain: the next run would look the same person up under a new identity and buy everything again. So the
 * values bought for a record without an email are also remembered under the identity it will have once written.
 */
export async function rememberUnderNewIdentity(
  services: Pick<WaterfallServices, 'cache'>,
  input: ProviderInput,
  result: WaterfallResult,
): Promise<void> {
  const hasEmail = typeof input.Email === 'string' && input.Email.trim() !== '';
  const email = result.values.find((value) => value.key === 'person.work_email');
  if (hasEmail || !email) return;
  const next: ProviderInput = { ...input, Email: String(email.value) };
  for (const value of result.values) {
    // A verdict is about one address and is cached by it already; values from the cache are there already too.
    if (value.key === 'person.email_status' || value.provider === 'offline') continue;
    await services.cache.putValue(next, { value });
  }
}
