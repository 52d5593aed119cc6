import type { FieldValue, MirrorRecord } from '../domain/mirror-record';
import type { ApplicationOutcome } from '../pipeline/action/application-runner';
import type { Loop } from '../runtime/compose';
import type { MembershipEvent } from '../pipeline/segments/membership/membership-event';

/** Fields the org sets on every save: not worth telling. */
const SYSTEM_FIELDS = new Set(['LastModifiedDate', 'LastModifiedById', 'SystemModstamp']);

/** How long the parts of one record's story (the change, our write, audience moves) are gathered into one line. */
const GATHER_MS = 1_500;

interface Story {
  record: MirrorRecord;
  changed: string[];
  wrote: string[];
  moves: string[];
  timer: NodeJS.Timeout;
}

function shown(value: FieldValue | undefined): string {
  if (value === null || value === undefined || value === '') return '(blank)';
  return String(value);
}

function nameOf(record: MirrorRecord): string {
  const f = record.fields;
  const person = [f.FirstName, f.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
  const name = person || (typeof f.Name === 'string' ? f.Name : '');
  return name || record.id;
}

/**
 * The sandbox's running commentary: one readable line per record the loop reacted to after the first import —
 * "Contact Grace Brown: Title → Sales Intern; Seniority__c C-Level → Entry (Tracked); left 'Senior decision makers'"
 * — so a newcomer following the README sees each step of the loop. Writes of the initial import are not narrated.
 */
export class ChangeNarrator {
  private readonly stories = new Map<string, Story>();
  private following = false;

  constructor(
    private readonly loop: Loop,
    private readonly print: (line: string) => void,
  ) {
    loop.observers.onChange(({ record, changes }) => {
      const parts = Object.entries(changes)
        .filter(([field]) => !SYSTEM_FIELDS.has(field))
        .map(([field, value]) => `${field} → ${shown(value)}`);
      this.add(record, (story) => story.changed.push(...parts));
    });
    loop.observers.onWrites((writes) => {
      for (const { record, changes } of writes) {
        const parts = changes.map((c) => `${c.field} ${shown(c.before)} → ${shown(c.after)} (${c.rule})`);
        this.add(record, (story) => story.wrote.push(...parts));
      }
    });
    loop.fanout.listen(async (events) => this.moved(events));
    loop.observers.onAction((outcome) => void this.acted(outcome));
  }

  /** From now on (the initial import is done), every reaction is told. */
  follow(): void {
    this.following = true;
  }

  stop(): void {
    for (const story of this.stories.values()) clearTimeout(story.timer);
    this.stories.clear();
  }

  /** One line per action outcome: "Task cadence 'Owner cadence' for Contact Grace Brown: Succeeded (2 tasks)". */
  private async acted(outcome: ApplicationOutcome): Promise<void> {
    if (!this.following) return;
    const record = await this.loop.mirror.get(outcome.action.object, outcome.recordId);
    const who = record ? `${record.object} ${nameOf(record)}` : outcome.recordId;
    const what = outcome.operation === 'apply' ? 'applied' : 'undone';
    const detail = outcome.message ? ` (${outcome.message})` : '';
    this.print(`${outcome.action.type} action '${outcome.action.name}' ${what} for ${who}: ${outcome.status}${detail}`);
  }

  private async moved(events: MembershipEvent[]): Promise<void> {
    const names = new Map(this.loop.config.current.audiences.map((a) => [a.id, a.name]));
    for (const event of events) {
      const record = (await this.loop.mirror.get(event.object, event.recordId)) ?? {
        id: event.recordId,
        object: event.object,
        fields: {},
      };
      const verb = event.kind === 'entry' ? 'entered' : 'left';
      this.add(record, (story) => story.moves.push(`${verb} '${names.get(event.audienceId) ?? event.audienceId}'`));
    }
  }

  private add(record: MirrorRecord, update: (story: Story) => void): void {
    if (!this.following) return;
    let story = this.stories.get(record.id);
    if (!story) {
      story = { record, changed: [], wrote: [], moves: [], timer: setTimeout(() => this.tell(record.id), GATHER_MS) };
      story.timer.unref();
      this.stories.set(record.id, story);
    }
    if (Object.keys(record.fields).length > Object.keys(story.record.fields).length) story.record = record;
    update(story);
  }

  private tell(id: string): void {
    const story = this.stories.get(id);
    this.stories.delete(id);
    if (!story) return;
    const parts = [...story.changed, ...story.wrote, ...story.moves];
    if (parts.length === 0) return;
    this.print(`${story.record.object} ${nameOf(story.record)}: ${parts.join('; ')}`);
  }
}
