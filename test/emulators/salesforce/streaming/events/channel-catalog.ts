import type { EmulatorContext } from '../../org-contract';

export const ALL_CHANGE_EVENTS_CHANNEL = '/data/ChangeEvents';

/** `Contact` → `ContactChangeEvent`, `Employee__c` → `Employee__ChangeEvent`. */
export function changeEventName(entity: string): string {
  return entity.endsWith('__c') ? `${entity.slice(0, -3)}__ChangeEvent` : `${entity}ChangeEvent`;
}

/**
 * Which channels exist and which ones an entity's change events go to. Names are case-sensitive, as on the
 * platform, even though the schema's object lookup is not.
 */
export class ChannelCatalog {
  constructor(private readonly ctx: EmulatorContext) {}

  /**
   * Entities whose changes are captured. Orgs without the add-on cannot select more than the allocation (the
   * setup page and a metadata deploy refuse the extra member), so selections past it never take effect here.
   */
  selectedEntities(): string[] {
    return this.ctx.schema.cdcEntities().slice(0, this.ctx.streaming.maxSelectedEntities);
  }

  /** Selections that would exceed the allocation, reported by the control endpoint. */
  refusedSelections(): string[] {
    return this.ctx.schema.cdcEntities().slice(this.ctx.streaming.maxSelectedEntities);
  }

  changeChannelsFor(entity: string): string[] {
    if (!this.selectedEntities().includes(entity)) return [];
    const custom = this.ctx.schema
      .changeChannels()
      .filter((ch) => ch.members.includes(entity))
      .map((ch) => `/data/${ch.name}`);
    return [ALL_CHANGE_EVENTS_CHANNEL, `/data/${changeEventName(entity)}`, ...custom];
  }

  platformEventChannel(eventName: string): string {
    return `/event/${eventName}`;
  }

  exists(channel: string): boolean {
    if (channel === ALL_CHANGE_EVENTS_CHANNEL) return true;
    const data = /^\/data\/(.+)$/.exec(channel)?.[1];
    if (data !== undefined) {
      if (data.endsWith('__chn')) return this.ctx.schema.changeChannels().some((ch) => ch.name === data);
      const entity = this.entityForChangeEvent(data);
      return entity !== undefined;
    }
    const event = /^\/event\/(.+__e)$/.exec(channel)?.[1];
    if (event !== undefined) {
      const def = this.ctx.schema.getObject(event);
      return def?.kind === 'platformEvent' && def.name === event;
    }
    return false;
  }

  private entityForChangeEvent(name: string): string | undefined {
    const custom = /^(.+)__ChangeEvent$/.exec(name)?.[1];
    const candidate = custom !== undefined ? `${custom}__c` : /^(.+)ChangeEvent$/.exec(name)?.[1];
    if (candidate === undefined) return undefined;
    const def = this.ctx.schema.getObject(candidate);
    if (!def || def.kind === 'platformEvent' || def.name !== candidate) return undefined;
    return def.name;
  }
}
