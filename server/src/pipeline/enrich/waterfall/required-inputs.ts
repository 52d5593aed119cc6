import type { ProviderDescriptor, ProviderInput } from '../providers/provider-contract';

function present(value: ProviderInput[string]): boolean {
  if (value === null || value === undefined) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

/** True when the record has every field of at least one of the provider's acceptable input combinations. */
export function hasRequiredInputs(
  descriptor: Pick<ProviderDescriptor, 'requiredInputs'>,
  input: ProviderInput,
): boolean {
  if (descriptor.requiredInputs.length === 0) return true;
  return descriptor.requiredInputs.some((combination) => combination.every((field) => present(input[field])));
}
