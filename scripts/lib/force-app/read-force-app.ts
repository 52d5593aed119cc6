/**
 * Reads the SFDX source tree (`force-app/main/default`) into a plain model: custom objects, standard-object
 * extensions, platform events, custom change channels and permission sets. The emulator, the contract tests and
 * the metadata checks build on this one reader so they agree on what the org contains.
 *
 * Malformed XML, or a file whose root element is not what its suffix promises, throws a `ForceAppError` naming
 * the file. Everything else is read as it stands; `scripts/check/metadata.ts` judges completeness.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface ForceAppPicklistValue {
  fullName: string;
  label: string;
  default: boolean;
}

export interface ForceAppField {
  object: string;
  fullName: string;
  type: string;
  label?: string;
  description?: string;
  inlineHelpText?: string;
  length?: number;
  precision?: number;
  scale?: number;
  visibleLines?: number;
  required: boolean;
  unique: boolean;
  externalId: boolean;
  defaultValue?: string;
  referenceTo?: string;
  relationshipName?: string;
  relationshipLabel?: string;
  deleteConstraint?: string;
  picklist?: { restricted: boolean; values: ForceAppPicklistValue[] };
  file: string;
}

export interface ForceAppObject {
  name: string;
  label?: string;
  pluralLabel?: string;
  kind: 'custom' | 'platformEvent' | 'standard';
  description?: string;
  eventType?: string;
  publishBehavior?: string;
  nameField?: { label?: string; type?: string; displayFormat?: string };
  fields: ForceAppField[];
  file?: string;
}

export interface ForceAppChannel {
  name: string;
  channelType: string;
  label?: string;
  members: { fullName: string; selectedEntity: string; file: string }[];
  file: string;
}

export interface ForceAppPermissionSet {
  name: string;
  label?: string;
  objectPermissions: {
    object: string;
    allowRead: boolean;
    allowCreate: boolean;
    allowEdit: boolean;
    allowDelete: boolean;
    viewAllRecords: boolean;
    modifyAllRecords: boolean;
  }[];
  fieldPermissions: { field: string; readable: boolean; editable: boolean }[];
  file: string;
}

export interface ForceAppModel {
  objects: ForceAppObject[];
  channels: ForceAppChannel[];
  permissionSets: ForceAppPermissionSet[];
}

/** A metadata file that cannot be read as what it claims to be. `file` is the path as read. */
export class ForceAppError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ForceAppError';
  }
}

/** `<repo>/force-app/main/default`, found from this file's location so the reader works from any cwd. */
export const DEFAULT_FORCE_APP_ROOT = fileURLToPath(new URL('../../../force-app/main/default', import.meta.url));

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
});

/**
 * Validates and parses one metadata file and returns the content of its root element.
 * Throws `ForceAppError` for malformed XML (with line and column) or an unexpected root element.
 */
export function readMetadataFile(file: string, rootElement: string): XmlNode {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ForceAppError(file, `cannot read file (${(error as Error).message})`);
  }
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    throw new ForceAppError(file, `malformed XML at line ${line}, column ${col}: ${msg}`);
  }
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (error) {
    throw new ForceAppError(file, `malformed XML: ${(error as Error).message}`);
  }
  const root = isNode(doc) ? doc[rootElement] : undefined;
  if (root === undefined) {
    throw new ForceAppError(file, `expected root element <${rootElement}>`);
  }
  // An empty root element (<CustomField/>) parses as ''.
  return isNode(root) ? root : {};
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Repeated elements parse as an array, a single one as a value: always hand back an array. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function text(node: XmlNode, key: string): string | undefined {
  const value = node[key];
  if (value === undefined || value === null) return undefined;
  // Prettier wraps long text content over several indented lines; read it back as the single line it means.
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function requiredText(node: XmlNode, key: string, file: string): string {
  const value = text(node, key);
  if (value === undefined || value === '') throw new ForceAppError(file, `missing <${key}>`);
  return value;
}

function bool(node: XmlNode, key: string): boolean {
  return text(node, key)?.toLowerCase() === 'true';
}

function num(node: XmlNode, key: string, file: string): number | undefined {
  const raw = text(node, key);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ForceAppError(file, `<${key}> is not a number: ${raw}`);
  return value;
}

/** Drops keys whose value is undefined, so results compare cleanly and print without noise. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function listDir(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort();
}

function filesWithSuffix(dir: string, suffix: string): string[] {
  return listDir(dir)
    .filter((name) => name.endsWith(suffix))
    .map((name) => path.join(dir, name));
}

function baseName(file: string, suffix: string): string {
  return path.basename(file).slice(0, -suffix.length);
}

function objectKind(name: string): ForceAppObject['kind'] {
  if (name.endsWith('__e')) return 'platformEvent';
  if (name.endsWith('__c')) return 'custom';
  return 'standard';
}

function readField(objectName: string, file: string): ForceAppField {
  const node = readMetadataFile(file, 'CustomField');
  const fullName = text(node, 'fullName') || baseName(file, '.field-meta.xml');
  const field: ForceAppField = {
    object: objectName,
    fullName,
    type: requiredText(node, 'type', file),
    label: text(node, 'label'),
    description: text(node, 'description'),
    inlineHelpText: text(node, 'inlineHelpText'),
    length: num(node, 'length', file),
    precision: num(node, 'precision', file),
    scale: num(node, 'scale', file),
    visibleLines: num(node, 'visibleLines', file),
    required: bool(node, 'required'),
    unique: bool(node, 'unique'),
    externalId: bool(node, 'externalId'),
    defaultValue: text(node, 'defaultValue'),
    referenceTo: text(node, 'referenceTo'),
    relationshipName: text(node, 'relationshipName'),
    relationshipLabel: text(node, 'relationshipLabel'),
    deleteConstraint: text(node, 'deleteConstraint'),
    picklist: readPicklist(node, file),
    file,
  };
  return compact(field);
}

function readPicklist(node: XmlNode, file: string): ForceAppField['picklist'] {
  const valueSet = node.valueSet;
  if (!isNode(valueSet)) return undefined;
  const definition = isNode(valueSet.valueSetDefinition) ? valueSet.valueSetDefinition : {};
  const values = asArray(definition.value).map((entry): ForceAppPicklistValue => {
    if (!isNode(entry)) throw new ForceAppError(file, 'a picklist <value> has no <fullName>');
    const fullName = requiredText(entry, 'fullName', file);
    return { fullName, label: text(entry, 'label') ?? fullName, default: bool(entry, 'default') };
  });
  return { restricted: bool(valueSet, 'restricted'), values };
}

function readObject(root: string, name: string): ForceAppObject {
  const dir = path.join(root, 'objects', name);
  const fields = filesWithSuffix(path.join(dir, 'fields'), '.field-meta.xml').map((file) => readField(name, file));
  const file = path.join(dir, `${name}.object-meta.xml`);
  if (!existsSync(file)) {
    // A folder with only fields/ extends an object that exists in every org (Contact, Lead, Account).
    return { name, kind: objectKind(name), fields };
  }
  const node = readMetadataFile(file, 'CustomObject');
  const nameFieldNode = isNode(node.nameField) ? node.nameField : undefined;
  return compact({
    name,
    label: text(node, 'label'),
    pluralLabel: text(node, 'pluralLabel'),
    kind: objectKind(name),
    description: text(node, 'description'),
    eventType: text(node, 'eventType'),
    publishBehavior: text(node, 'publishBehavior'),
    nameField: nameFieldNode
      ? compact({
          label: text(nameFieldNode, 'label'),
          type: text(nameFieldNode, 'type'),
          displayFormat: text(nameFieldNode, 'displayFormat'),
        })
      : undefined,
    fields,
    file,
  });
}

function readChannels(root: string): ForceAppChannel[] {
  const channelSuffix = '.platformEventChannel-meta.xml';
  const memberSuffix = '.platformEventChannelMember-meta.xml';
  const members = filesWithSuffix(path.join(root, 'platformEventChannelMembers'), memberSuffix).map((file) => {
    const node = readMetadataFile(file, 'PlatformEventChannelMember');
    return {
      channel: requiredText(node, 'eventChannel', file),
      member: {
        fullName: baseName(file, memberSuffix),
        selectedEntity: requiredText(node, 'selectedEntity', file),
        file,
      },
    };
  });
  const channels = filesWithSuffix(path.join(root, 'platformEventChannels'), channelSuffix).map(
    (file): ForceAppChannel => {
      const node = readMetadataFile(file, 'PlatformEventChannel');
      const name = baseName(file, channelSuffix);
      return compact({
        name,
        channelType: requiredText(node, 'channelType', file),
        label: text(node, 'label'),
        members: members.filter((m) => m.channel === name).map((m) => m.member),
        file,
      });
    },
  );
  for (const { channel, member } of members) {
    if (!channels.some((c) => c.name === channel)) {
      throw new ForceAppError(member.file, `<eventChannel> names ${channel}, which is not in platformEventChannels/`);
    }
  }
  return channels;
}

function readPermissionSets(root: string): ForceAppPermissionSet[] {
  const suffix = '.permissionset-meta.xml';
  return filesWithSuffix(path.join(root, 'permissionsets'), suffix).map((file): ForceAppPermissionSet => {
    const node = readMetadataFile(file, 'PermissionSet');
    const objectPermissions = asArray(node.objectPermissions)
      .filter(isNode)
      .map((p) => ({
        object: requiredText(p, 'object', file),
        allowRead: bool(p, 'allowRead'),
        allowCreate: bool(p, 'allowCreate'),
        allowEdit: bool(p, 'allowEdit'),
        allowDelete: bool(p, 'allowDelete'),
        viewAllRecords: bool(p, 'viewAllRecords'),
        modifyAllRecords: bool(p, 'modifyAllRecords'),
      }));
    const fieldPermissions = asArray(node.fieldPermissions)
      .filter(isNode)
      .map((p) => ({
        field: requiredText(p, 'field', file),
        readable: bool(p, 'readable'),
        editable: bool(p, 'editable'),
      }));
    return compact({
      name: baseName(file, suffix),
      label: text(node, 'label'),
      objectPermissions,
      fieldPermissions,
      file,
    });
  });
}

/**
 * Reads the whole tree. `root` defaults to this repository's `force-app/main/default`, whatever the cwd.
 * Missing folders read as empty; malformed files throw `ForceAppError`.
 */
export function readForceApp(root: string = DEFAULT_FORCE_APP_ROOT): ForceAppModel {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ForceAppError(root, 'not a directory');
  }
  const objectsDir = path.join(root, 'objects');
  const objects = listDir(objectsDir)
    .filter((name) => statSync(path.join(objectsDir, name)).isDirectory())
    .map((name) => readObject(root, name));
  return { objects, channels: readChannels(root), permissionSets: readPermissionSets(root) };
}
