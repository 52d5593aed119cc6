/** describeGlobal and describe bodies, shaped like a real org's (every field key present). */
import type { Org } from '../org/org';
import type { FieldSpec, ObjectSpec } from './field-builders';

const SOAP: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  address: 'urn:address',
  location: 'urn:location',
  base64: 'xsd:base64Binary',
};

function objectUrls(o: ObjectSpec, v: string): Record<string, string> {
  const base = `/services/data/v${v}/sobjects/${o.name}`;
  if (o.kind === 'platformEvent')
    return {
      eventSchema: `${base}/eventSchema`,
      rowTemplate: `${base}/{ID}`,
      describe: `${base}/describe`,
      sobject: base,
    };
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    defaultValues: `${base}/defaultValues?recordTypeId&fields`,
    describe: `${base}/describe`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  };
}

export function objectSummary(o: ObjectSpec, v: string): Record<string, unknown> {
  const isEvent = o.kind === 'platformEvent';
  const readOnly = o.name === 'Organization' || o.name === 'Name';
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: !readOnly,
    custom: o.kind !== 'standard',
    customSetting: false,
    deepCloneable: false,
    deletable: !readOnly && !isEvent,
    deprecatedAndHidden: false,
    feedEnabled: !isEvent,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: o.keyPrefix || null,
    label: o.label,
    labelPlural: o.labelPlural,
    layoutable: !isEvent,
    mergeable: ['Account', 'Contact', 'Lead'].includes(o.name),
    mruEnabled: !isEvent,
    name: o.name,
    queryable: !isEvent,
    replicateable: !isEvent,
    retrieveable: !isEvent,
    searchable: !isEvent,
    triggerable: true,
    undeletable: !readOnly && !isEvent,
    updateable: !readOnly && !isEvent,
    urls: objectUrls(o, v),
  };
}

export function describeGlobal(org: Org, v: string): Record<string, unknown> {
  const changeEvents = org.catalog.changeEventObjects().map(({ entity, name }) => changeEventSummary(entity, name, v));
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: [...org.catalog.listObjects().map((o) => objectSummary(o, v)), ...changeEvents].sort((a, b) =>
      String(a.name).localeCompare(String(b.name)),
    ),
  };
}

/** A `…ChangeEvent` entry as describeGlobal lists it: not queryable, only subscribed to. */
function changeEventSummary(entity: ObjectSpec, name: string, v: string): Record<string, unknown> {
  const base = `/services/data/v${v}/sobjects/${name}`;
  return {
    ...objectSummary(entity, v),
    associateEntityType: 'ChangeEvent',
    associateParentEntity: entity.name,
    createable: false,
    deletable: false,
    feedEnabled: false,
    keyPrefix: null,
    label: `Change Event: ${entity.label}`,
    labelPlural: `Change Event: ${entity.label}`,
    layoutable: false,
    mergeable: false,
    mruEnabled: false,
    name,
    queryable: false,
    replicateable: false,
    retrieveable: false,
    searchable: false,
    triggerable: true,
    undeletable: false,
    updateable: false,
    urls: {
      eventSchema: `${base}/eventSchema`,
      rowTemplate: `${base}/{ID}`,
      describe: `${base}/describe`,
      sobject: base,
    },
  };
}

function describeField(f: FieldSpec, access: { readable: boolean; editable: boolean }): Record<string, unknown> {
  const isText = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox'].includes(
    f.type,
  );
  const isNum = ['double', 'currency', 'percent'].includes(f.type);
  const createable = f.createable && access.editable;
  const updateable = f.updateable && access.editable;
  return {
    aggregatable: f.type !== 'textarea' && f.type !== 'address',
    aiPredictionField: false,
    autoNumber: f.autoNumberFormat !== undefined,
    byteLength: isText || f.type === 'id' || f.type === 'reference' ? (f.length ?? 0) * 3 : 0,
    calculated: f.calculated,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: f.compoundFieldName ?? null,
    controllerName: null,
    createable,
    custom: f.name.endsWith('__c'),
    defaultValue: f.defaultValue !== undefined && f.type === 'boolean' ? f.defaultValue : null,
    defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate ?? (f.type === 'boolean' || f.system === true),
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? (f.precision ?? 9) : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId,
    extraTypeInfo: f.name === 'Name' && f.compoundFieldName === undefined && f.calculated ? 'personname' : null,
    filterable: f.type !== 'address' && !(f.type === 'textarea' && (f.length ?? 0) > 255),
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime', 'address'].includes(f.type),
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.type === 'id' || f.externalId || f.name === 'Email' || f.name === 'Username',
    inlineHelpText: null,
    label: f.label,
    length: isText ? (f.length ?? 0) : f.type === 'id' || f.type === 'reference' ? 18 : 0,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField === true,
    namePointing: f.referenceTo.length > 1,
    nillable: f.nillable,
    permissionable: f.nillable && !f.system && f.type !== 'address',
    picklistValues: f.picklistValues.map((p) => ({
      active: p.active,
      defaultValue: p.defaultValue,
      label: p.label,
      validFor: null,
      value: p.value,
    })),
    polymorphicForeignKey: f.referenceTo.length > 1,
    precision: isNum ? (f.precision ?? 18) : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName ?? null,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: f.restrictedPicklist,
    scale: isNum ? (f.scale ?? 0) : 0,
    searchPrefilterable: false,
    soapType: SOAP[f.type] ?? 'xsd:string',
    sortable: f.type !== 'textarea' && f.type !== 'address',
    type: f.type,
    unique: f.unique,
    updateable,
    writeRequiresMasterRead: false,
  };
}

export function describeObject(
  org: Org,
  o: ObjectSpec,
  v: string,
  userId: string | undefined,
): Record<string, unknown> {
  const fields = o.fields
    .map((f) => ({ f, access: org.fls.get(userId, o.name, f.name) }))
    .filter((x) => x.access.readable)
    .map((x) => describeField(x.f, x.access));
  return {
    ...objectSummary(o, v),
    // An event is createable for whoever may publish it (create permission), as a real org's describe says.
    ...(o.kind === 'platformEvent' && userId ? { createable: org.mayPublish(userId, o.name) } : {}),
    actionOverrides: [],
    childRelationships: o.childRelationships.map((r) => ({
      cascadeDelete: false,
      childSObject: r.childSObject,
      deprecatedAndHidden: false,
      field: r.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: r.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: o.kind !== 'platformEvent',
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields,
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    searchLayoutable: o.kind !== 'platformEvent',
    sobjectDescribeOption: 'FULL',
    supportedScopes: [{ label: 'All', name: 'everything' }],
  };
}
