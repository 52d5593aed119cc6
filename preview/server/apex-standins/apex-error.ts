/**
 * What an `AuraHandledException` looks like to the component: a rejected call whose `body.message` is the text the
 * Apex set. Stand-ins throw `ApexStandinError`; the route answers with that body.
 */
export class ApexStandinError extends Error {
  constructor(
    message: string,
    readonly exceptionType = 'System.AuraHandledException',
  ) {
    super(message);
    this.name = 'ApexStandinError';
  }

  get body(): { message: string; exceptionType: string; isUserDefinedException: boolean; stackTrace: string } {
    return { message: this.message, exceptionType: this.exceptionType, isUserDefinedException: false, stackTrace: '' };
  }
}

/** A custom label with `{0}`, `{1}` filled, as the Apex's `String.format(System.Label.X, …)`. */
export function labelled(labels: Map<string, string>, name: string, fallback: string, ...details: string[]): string {
  return details.reduce((text, detail, i) => text.replaceAll(`{${i}}`, detail), labels.get(name) ?? fallback);
}
