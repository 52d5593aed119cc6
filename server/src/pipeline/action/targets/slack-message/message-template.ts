import type { FieldValue } from '../../../../domain/mirror-record';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_.]*)\}/g;
/** `{audience}` is the audience's name; every other placeholder is a record field. */
const AUDIENCE = 'audience';

/** The record fields a template names (what the mirror must hold while the action is active). */
export function templateFields(template: string): string[] {
  const names = [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
  return [...new Set(names.filter((name) => name !== AUDIENCE))];
}

/**
 * Fills `{Field}` and `{audience}`. Values are escaped for Slack's mrkdwn (`&`, `<`, `>`), so a record's data can
 * never become a link or a `<!channel>` mention; a blank field becomes an empty string.
 */
export function renderTemplate(template: string, fields: Record<string, FieldValue>, audienceName: string): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = name === AUDIENCE ? audienceName : fields[name];
    return value === null || value === undefined ? '' : escapeMrkdwn(String(value));
  });
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
