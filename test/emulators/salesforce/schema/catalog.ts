import { readFileSync } from 'node:fs';
import type { ChangeChannelDef, FieldType, SchemaCatalog } from '../org-contract';
import type { ForceAppField, ForceAppModel } from '@audience-loop/force-app-model';
import { customPrefix } from '../org/ids';
import { addField, field, makeObject, systemFields, type FieldSpec, type ObjectSpec } from './field-builders';
import { standardObjects } from './standard-objects';

export class Catalog implements SchemaCatalog {
  private readonly objects = new Map<string, ObjectSpec>();
  private readonly byPrefix = new Map<string, ObjectSpec>();
  private channels: ChangeChannelDef[] = [];
  private readonly cdcSelected = new Set<string>();

  constructor(model?: ForceAppModel) {
    for (const o of standardObjects()) this.add(o);
    if (model) this.loadForceApp(model);
    this.letFilesLinkToCustomObjects();
    this.linkChildRelationships();
  }

  add(o: ObjectSpec): void {
    this.objects.set(o.name.toLowerCase(), o);
    // `Name` has no key prefix: no id is ever one of its records.
    if (o.keyPrefix) this.byPrefix.set(o.keyPrefix, o);
  }

  getObject(name: string): ObjectSpec | undefined {
    return this.objects.get(name.toLowerCase());
  }

  byKeyPrefix(prefix: string): ObjectSpec | undefined {
    return this.byPrefix.get(prefix);
  }

  listObjects(): ObjectSpec[] {
    return [...this.objects.values()];
  }

  changeChannels(): ChangeChannelDef[] {
    return this.channels;
  }

  /** Objects with a change event (`ContactChangeEvent`, `Foo__ChangeEvent`): the standard CDC ones and every custom object. */
  changeEventObjects(): { entity: ObjectSpec; name: string }[] {
    return this.listObjects()
      .filter((o) => o.kind === 'custom' || CDC_STANDARD.has(o.name))
      .map((o) => ({ entity: o, name: changeEventName(o.name) }));
  }

  cdcEntities(): string[] {
    const all = new Set<string>(this.cdcSelected);
    for (const c of this.channels) for (const m of c.members) all.add(m);
    return [...all];
  }

  private loadForceApp(model: ForceAppModel): void {
    let customIndex = 0;
    let eventIndex = 0;
    for (const o of model.objects) {
      if (o.name === 'Activity') {
        // Custom fields on Activity are fields of Task and Event, as in the platform.
        for (const target of ['Task', 'Event']) {
          const activity = this.getObject(target)!;
          for (const f of o.fields) {
            const spec = fieldFromMetadata(f);
            if (spec) addField(activity, spec);
          }
        }
        continue;
      }
      let obj = this.getObject(o.name);
      if (!obj) {
        const isEvent = o.kind === 'platformEvent' || o.name.endsWith('__e');
        const prefix = isEvent ? customPrefix('e', eventIndex++) : customPrefix('a', customIndex++);
        const base: FieldSpec[] = isEvent
          ? [
              field('ReplayId', 'string', 'Replay ID', { createable: false, updateable: false, system: true }),
              field('CreatedDate', 'datetime', 'Created Date', {
                createable: false,
                updateable: false,
                system: true,
              }),
              field('CreatedById', 'reference', 'Created By ID', {
                createable: false,
                updateable: false,
                referenceTo: ['User'],
                relationshipName: 'CreatedBy',
                system: true,
              }),
              field('EventUuid', 'string', 'Event UUID', { length: 36, createable: false, updateable: false }),
            ]
          : [...systemFields(true), nameFieldOf(o.nameField)];
        obj = makeObject(
          o.name,
          o.label ?? o.name,
          o.pluralLabel ?? o.label ?? o.name,
          prefix,
          isEvent ? 'platformEvent' : 'custom',
          base,
        );
        this.add(obj);
      }
      for (const f of o.fields) {
        const spec = fieldFromMetadata(f);
        if (spec) addField(obj, spec);
      }
    }
    this.channels = model.channels
      .filter((c) => (c.channelType ?? 'data').toLowerCase() === 'data')
      .map((c) => ({
        name: c.name,
        members: c.members.map((m) => entityOfChangeEvent(m.selectedEntity)).filter((x): x is string => !!x),
      }));
  }

  /** Fills `childRelationships` from every reference field. */
  /**
   * Files attach to records of every custom object too (a custom object's record page has a Files related list):
   * ContentVersion.FirstPublishLocationId and ContentDocumentLink.LinkedEntityId are polymorphic over them.
   */
  private letFilesLinkToCustomObjects(): void {
    const customs = this.listObjects()
      .filter((o) => o.kind === 'custom' && o.name.endsWith('__c'))
      .map((o) => o.name);
    for (const [object, field] of [
      ['ContentVersion', 'FirstPublishLocationId'],
      ['ContentDocumentLink', 'LinkedEntityId'],
    ] as const) {
      const spec = this.getObject(object)?.fields.find((f) => f.name === field);
      if (spec) spec.referenceTo = [...new Set([...spec.referenceTo, ...customs])];
    }
  }

  private linkChildRelationships(): void {
    for (const o of this.objects.values()) o.childRelationships = [];
    for (const o of this.objects.values()) {
      for (const f of o.fields) {
        if (f.type !== 'reference' || f.system) continue;
        for (const target of f.referenceTo) {
          const parent = this.getObject(target);
          if (!parent) continue;
          parent.childRelationships.push({
            childSObject: o.name,
            field: f.name,
            relationshipName: f.childRelationshipName ?? null,
          });
        }
      }
    }
  }
}

function nameFieldOf(nf: { label?: string; type?: string; displayFormat?: string } | undefined): FieldSpec {
  const auto = nf?.type === 'AutoNumber';
  return field('Name', 'string', nf?.label ?? 'Name', {
    length: 80,
    nameField: true,
    ...(auto && { autoNumberFormat: nf?.displayFormat ?? '{0}' }),
    createable: !auto,
    updateable: !auto,
    nillable: auto,
    required: !auto,
  });
}

/** The standard objects here that Change Data Capture supports. */
const CDC_STANDARD = new Set([
  'Account',
  'Contact',
  'Lead',
  'User',
  'Opportunity',
  'Campaign',
  'CampaignMember',
  'Task',
  'Event',
  'ContentVersion',
  'ContentDocument',
  'ContentDocumentLink',
]);

/** `Contact` → `ContactChangeEvent`, `Foo__c` → `Foo__ChangeEvent`. */
export function changeEventName(entity: string): string {
  return entity.endsWith('__c') ? `${entity.slice(0, -3)}__ChangeEvent` : `${entity}ChangeEvent`;
}

/** `ContactChangeEvent` → `Contact`, `Foo__ChangeEvent` → `Foo__c`. */
export function entityOfChangeEvent(selected: string): string | undefined {
  if (selected.endsWith('__ChangeEvent')) return selected.slice(0, -'__ChangeEvent'.length) + '__c';
  if (selected.endsWith('ChangeEvent')) return selected.slice(0, -'ChangeEvent'.length);
  return undefined;
}

const TYPE_MAP: Record<string, FieldType> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Checkbox: 'boolean',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Date: 'date',
  DateTime: 'datetime',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Picklist: 'picklist',
  MultiselectPicklist: 'multipicklist',
  Lookup: 'reference',
  MasterDetail: 'reference',
  Location: 'location',
  AutoNumber: 'string',
  Formula: 'string',
};

export function fieldFromMetadata(f: ForceAppField): FieldSpec | undefined {
  let type = TYPE_MAP[f.type];
  if (!type) return undefined;
  if (type === 'double' && (f.scale ?? 0) === 0) type = 'int';
  const readOnly = f.type === 'AutoNumber' || f.type === 'Formula';
  const length =
    type === 'string'
      ? (f.length ?? 255)
      : type === 'textarea'
        ? (f.length ?? (f.type === 'TextArea' ? 255 : 32768))
        : undefined;
  const isRef = type === 'reference';
  const picklist = f.picklist;
  const defaultPick = picklist?.values.find((v) => v.default)?.fullName;
  const spec = field(f.fullName, type, f.label ?? f.fullName, {
    ...(length !== undefined ? { length } : {}),
    precision: f.precision,
    scale: f.scale,
    required: f.required && !readOnly && type !== 'boolean',
    nillable: type !== 'boolean' && !(f.required || f.type === 'MasterDetail'),
    unique: f.unique,
    externalId: f.externalId,
    createable: !readOnly,
    updateable: !readOnly,
    calculated: f.type === 'Formula',
    referenceTo: isRef && f.referenceTo ? [f.referenceTo] : [],
    // The field's own relationship is its name with __c → __r; the metadata's relationshipName names the
    // parent's child relationship (with __r appended), as the platform derives them.
    relationshipName: isRef ? f.fullName.replace(/__c$/, '__r') : undefined,
    childRelationshipName: isRef && f.relationshipName ? `${f.relationshipName}__r` : undefined,
    restrictedPicklist: !!picklist?.restricted,
    picklistValues: (picklist?.values ?? []).map((v) => ({
      value: v.fullName,
      label: v.label || v.fullName,
      active: true,
      defaultValue: v.default,
    })),
    defaultValue: type === 'boolean' ? f.defaultValue === 'true' : defaultPick !== undefined ? defaultPick : undefined,
  });
  if (f.type === 'MasterDetail') {
    spec.nillable = false;
    spec.masterDetail = true;
    spec.reparentable = reparentableMasterDetail(f.file);
    // describe reports a master-detail that cannot be reparented as not updateable
    spec.updateable = spec.reparentable;
  }
  return spec;
}

/** `<reparentableMasterDetail>true</…>` in the field's XML (the shared reader does not model it). */
function reparentableMasterDetail(file: string): boolean {
  try {
    return /<reparentableMasterDetail>\s*true\s*<\/reparentableMasterDetail>/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}
