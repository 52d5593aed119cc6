import { z } from 'zod';
import { isRecordId } from '../salesforce/selectors/api-name';
import { recordUrl } from './signal-card';
import type { SignalObject, SignalRecords, SignalSubject } from './signal-records';
import { escapeMrkdwn } from './slack-text';

const emailSchema = z.email();

export interface AudienceLookupDeps {
  records: SignalRecords;
  audienceName: (audienceId: string) => string | undefined;
  instanceUrl: string;
}

/** The slash command's answer: an ephemeral message. */
export interface CommandAnswer {
  response_type: 'ephemeral';
  text: string;
}

const OBJECTS: readonly SignalObject[] = ['Contact', 'Lead', 'Account'];

/**
 * `/audience <email or record id>`: the record's audiences, its latest signals and a link. The argument is checked
 * (an email, or a record id by shape) before anything is read; the answer is only for the person who asked.
 */
export class AudienceLookup {
  constructor(private readonly deps: AudienceLookupDeps) {}

  async answer(text: string): Promise<CommandAnswer> {
    const arg = text.trim();
    const subject = await this.find(arg);
    if (subject === 'usage') return reply('Usage: `/audience <email or Salesforce record id>`');
    if (!subject) return reply(`No Contact, Lead or Account found for ${escapeMrkdwn(arg)}.`);
    const { records, instanceUrl } = this.deps;
    const audiences = (await records.audienceIds(subject.id)).map((id) => this.deps.audienceName(id) ?? id);
    const signals = await records.latestSignals(subject.id, 3);
    const lines = [
      `*<${recordUrl(instanceUrl, subject.object, subject.id)}|${escapeMrkdwn(subject.name)}>* (${subject.object})`,
      `*Audiences:* ${audiences.length > 0 ? audiences.map(escapeMrkdwn).join(', ') : 'none'}`,
      `*Latest signals:* ${signals.length > 0 ? '' : 'none'}`,
      ...signals.map(
        (s) =>
          `• ${escapeMrkdwn(s.summary || s.type || 'signal')} — ${s.status}${s.firedAt ? `, ${s.firedAt.slice(0, 10)}` : ''}`,
      ),
    ];
    return reply(lines.join('\n'));
  }

  private async find(arg: string): Promise<SignalSubject | 'usage' | undefined> {
    if (emailSchema.safeParse(arg).success) return (await this.deps.records.peopleByEmail(arg))[0];
    if (!isRecordId(arg)) return 'usage';
    for (const object of OBJECTS) {
      const subject = await this.deps.records.subject(object, arg).catch(() => undefined);
      if (subject) return subject;
    }
    return undefined;
  }
}

function reply(text: string): CommandAnswer {
  return { response_type: 'ephemeral', text };
}
