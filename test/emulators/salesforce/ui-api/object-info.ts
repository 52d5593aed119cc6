import { createHash } from 'node:crypto';
import type { Org } from '../org/org';
import type { FieldType } from '../org-contract';
import type { FieldSpec, ObjectSpec } from '../schema/field-builders';
import { MASTER_RECORD_TYPE_ID } from './record-representation';

/** UI API `dataType` names for the emulator's field types. */
const DATA_TYPES: Record<FieldType, string> = {
  id: 'String',
  string: 'String',
  textarea: 'TextArea',
  email: 'Email',
  phone: 'Phone',
  url: 'Url',
  picklist: 'Picklist',
  multipicklist: 'MultiPicklist',
  boolean: 'Boolean',
  int: 'Int',
  double: 'Double',
  currency: 'Currency',
  percent: 'Percent',
  date: 'Date',
  datetime: 'DateTime',
  reference: 'Reference',
  address: 'Address',
  location: 'Location',
  combobox: 'ComboBox',
  base64: 'Base64',
};

/**
 * The UI API Object Info (what `getObjectInfo` provisions) as `userId` sees it: fields hidden by field-level
 * security are left out, and read-only ones are neither createable nor updateable.
 */
export function objectInfo(org: Org, obj: ObjectSpec, userId: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of obj.fields) {
    const access = org.fls.get(userId, obj.name, field.name);
    if (access.readable) fields[field.name] = fieldInfo(org, obj, field, access.editable);
  }
  const nameField = obj.getField('Name') ? ['Name'] : [];
  const isEvent = obj.kind === 'platformEvent';
  return {
    apiName: obj.name,
    associateEntityType: null,
    associateParentEntity: null,
    childRelationships: obj.childRelationships
      .filter((r) => r.relationshipName)
      .map((r) => ({
        childObjectApiName: r.childSObject,
        fieldName: r.field,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: r.relationshipName,
      })),
    createable: true,
    custom: obj.name.endsWith('__c') || obj.name.endsWith('__e'),
    defaultRecordTypeId: MASTER_RECORD_TYPE_ID,
    deletable: !isEvent,
    dependentFields: {},
    eTag: createHash('md5')
      .update(`${obj.name}:${Object.keys(fields).join(',')}`)
      .digest('hex'),
    feedEnabled: false,
    fields,
    keyPrefix: obj.keyPrefix,
    label: obj.label,
    labelPlural: obj.labelPlural,
    layoutable: !isEvent,
    mruEnabled: !isEvent,
    nameFields: nameField,
    queryable: !isEvent,
    recordTypeInfos: {
      [MASTER_RECORD_TYPE_ID]: {
        available: true,
        defaultRecordTypeMapping: true,
        master: true,
        name: 'Master',
        recordTypeId: MASTER_RECORD_TYPE_ID,
      },
    },
    searchable: !isEvent,
    themeInfo: null,
    updateable: !isEvent,
  };
}

function fieldInfo(org: Org, obj: ObjectSpec, field: FieldSpec, editable: boolean): Record<string, unknown> {
  const compound = obj.fields.some((f) => f.compoundFieldName === field.name);
  return {
    apiName: field.name,
    calculated: field.calculated,
    compound,
    compoundComponentName: field.compoundFieldName ? field.name.replace(/^(Mailing|Other|Billing|Shipping)/, '') : null,
    compoundFieldName: field.compoundFieldName ?? null,
    controllerName: null,
    controllingFields: [],
    createable: editable && field.createable,
    custom: field.name.endsWith('__c'),
    dataType: DATA_TYPES[field.type],
    externalId: field.externalId,
    extraTypeInfo: null,
    filterable: field.type !== 'textarea' || (field.length ?? 0) <= 255,
    filteredLookupInfo: null,
    highScaleNumber: false,
    htmlFormatted: false,
    inlineHelpText: null,
    label: field.label,
    length: field.length ?? 0,
    nameField: field.name === 'Name',
    polymorphicForeignKey: field.referenceTo.length > 1,
    precision: 0,
    reference: field.type === 'reference',
    referenceTargetField: null,
    referenceToInfos: field.referenceTo.map((apiName) => ({
      apiName,
      nameFields: org.catalog.getObject(apiName)?.getField('Name') ? ['Name'] : [],
    })),
    relationshipName: field.relationshipName ?? null,
    required: !field.nillable && field.createable && field.type !== 'boolean',
    scale: 0,
    searchPrefilterable: false,
    sortable: field.type !== 'multipicklist' && field.type !== 'address',
    unique: field.unique,
    updateable: editable && field.updateable,
  };
}
