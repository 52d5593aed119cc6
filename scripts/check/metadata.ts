/**
 * Metadata validation for force-app, offline:
 *  (a) every `*.xml` file is well-formed (the Salesforce CLI does not notice malformed XML);
 *  (b) each metadata type carries the elements Salesforce requires (a field's type and label, a Text field's
 *      length, a picklist's values, a lookup's relationship, an object's sharing model, a platform event's
 *      event type, ...) and permission sets only grant field access Salesforce accepts;
 *  (c) `sf project convert source` accepts the tree (catches unknown metadata suffixes and layout mistakes).
 *
 * Output: `✗ <file>: <reason>` per problem; the last line is `N passed, N failed` (one per XML file, plus one
 * for the conversion). Exit code 1 on any failure.
 *
 * Usage: node --import tsx scripts/check/metadata.ts [root]   (root defaults to <repo>/force-app; with a
 * root, the conversion runs in a temporary copy of the project built around it)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { asArray } from '@audience-loop/force-app-model';
import { DEFAULT_FORCE_APP, REPO_ROOT, displayPath, listFiles, report, type CheckResult } from './report';

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
});

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(node: XmlNode, key: string): string | undefined {
  const value = node[key];
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** One parsed metadata file, kept for the per-type and cross-file rules. */
interface ParsedFile {
  file: string;
  rootName: string;
  root: XmlNode;
}

/** Metadata types this check knows, by file suffix, with the root element each must have. */
const KNOWN_TYPES: { suffix: string; root: string }[] = [
  { suffix: '.field-meta.xml', root: 'CustomField' },
  { suffix: '.object-meta.xml', root: 'CustomObject' },
  { suffix: '.platformEventChannel-meta.xml', root: 'PlatformEventChannel' },
  { suffix: '.platformEventChannelMember-meta.xml', root: 'PlatformEventChannelMember' },
  { suffix: '.permissionset-meta.xml', root: 'PermissionSet' },
  { suffix: '.labels-meta.xml', root: 'CustomLabels' },
  { suffix: '.app-meta.xml', root: 'CustomApplication' },
  { suffix: '.tab-meta.xml', root: 'CustomTab' },
  { suffix: '.cls-meta.xml', root: 'ApexClass' },
  { suffix: '.trigger-meta.xml', root: 'ApexTrigger' },
  { suffix: '.js-meta.xml', root: 'LightningComponentBundle' },
];

/** (a) Well-formedness, then the root element its suffix promises. Returns the parsed file or the problems. */
function parseFile(file: string): ParsedFile | string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return [`: cannot read file (${(error as Error).message})`];
  }
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    return [`: malformed XML at line ${line}, column ${col}: ${msg}`];
  }
  const doc: unknown = parser.parse(text);
  const rootNames = isNode(doc) ? Object.keys(doc).filter((key) => !key.startsWith('?')) : [];
  const rootName = rootNames[0];
  if (!isNode(doc) || rootNames.length !== 1 || rootName === undefined) {
    return [': expected exactly one root element'];
  }
  const expected = KNOWN_TYPES.find((type) => file.endsWith(type.suffix));
  if (expected && rootName !== expected.root) {
    return [`: root element is <${rootName}>, expected <${expected.root}> for a ${expected.suffix} file`];
  }
  const root = doc[rootName];
  return { file, rootName, root: isNode(root) ? root : {} };
}

function requireElements(node: XmlNode, keys: string[], what = ''): string[] {
  return keys
    .filter((key) => textOf(node, key) === undefined && !isNode(node[key]))
    .map((key) => `: ${what}missing <${key}>`);
}

/** Object API name of a field file: `objects/<Object>/fields/<Field>.field-meta.xml`. */
function objectOfField(file: string): string {
  return path.basename(path.dirname(path.dirname(file)));
}

const TEXT_LIKE_NEEDS_LENGTH = new Set(['Text', 'EncryptedText']);
const LONG_TEXT = new Set(['LongTextArea', 'Html']);
const NUMERIC = new Set(['Number', 'Currency', 'Percent']);
const PICKLISTS = new Set(['Picklist', 'MultiselectPicklist']);
const RELATIONSHIPS = new Set(['Lookup', 'MasterDetail']);

function checkField(parsed: ParsedFile): string[] {
  const { root, file } = parsed;
  const problems: string[] = [];
  const fileName = path.basename(file, '.field-meta.xml');
  const fullName = textOf(root, 'fullName');
  if (fullName !== undefined && fullName !== fileName) {
    problems.push(`: <fullName> ${fullName} does not match the file name ${fileName}`);
  }
  problems.push(...requireElements(root, ['label', 'type']));
  const type = textOf(root, 'type');
  if (type === undefined) return problems;
  if (TEXT_LIKE_NEEDS_LENGTH.has(type) || LONG_TEXT.has(type)) {
    problems.push(...requireElements(root, ['length'], `${type} field `));
  }
  if (LONG_TEXT.has(type)) problems.push(...requireElements(root, ['visibleLines'], `${type} field `));
  if (NUMERIC.has(type)) problems.push(...requireElements(root, ['precision', 'scale'], `${type} field `));
  if (NUMERIC.has(type)) {
    const precision = Number(textOf(root, 'precision'));
    const scale = Number(textOf(root, 'scale'));
    if (Number.isFinite(precision) && Number.isFinite(scale) && scale > precision) {
      problems.push(`: <scale> ${scale} is larger than <precision> ${precision}`);
    }
  }
  if (PICKLISTS.has(type)) {
    const valueSet = isNode(root.valueSet) ? root.valueSet : undefined;
    const definition = valueSet && isNode(valueSet.valueSetDefinition) ? valueSet.valueSetDefinition : undefined;
    const values = definition ? asArray(definition.value).filter(isNode) : [];
    const usesGlobalSet = valueSet !== undefined && textOf(valueSet, 'valueSetName') !== undefined;
    if (!usesGlobalSet && values.length === 0) {
      problems.push(`: ${type} field needs a <valueSet> with at least one <value>`);
    }
    const names = values.map((value) => textOf(value, 'fullName'));
    if (names.some((name) => name === undefined)) problems.push(': a picklist <value> has no <fullName>');
    const duplicates = names.filter((name, index) => name !== undefined && names.indexOf(name) !== index);
    if (duplicates.length > 0) problems.push(`: duplicate picklist values ${[...new Set(duplicates)].join(', ')}`);
  }
  if (RELATIONSHIPS.has(type))
    problems.push(...requireElements(root, ['referenceTo', 'relationshipName'], `${type} field `));
  if ('defaultValue' in root && textOf(root, 'defaultValue') === undefined) {
    problems.push(': <defaultValue> is empty (write &quot; as a plain " so Prettier cannot split it)');
  }
  if (type === 'Checkbox' && textOf(root, 'defaultValue') === undefined) {
    problems.push(': Checkbox field missing <defaultValue>');
  }
  return problems;
}

function checkObject(parsed: ParsedFile): string[] {
  const { root, file } = parsed;
  const name = path.basename(file, '.object-meta.xml');
  if (name.endsWith('__e')) {
    return requireElements(root, ['label', 'pluralLabel', 'deploymentStatus', 'eventType', 'publishBehavior']);
  }
  if (!name.endsWith('__c')) return []; // a standard object's settings; nothing is required
  const problems = requireElements(root, ['label', 'pluralLabel', 'nameField', 'deploymentStatus', 'sharingModel']);
  const nameField = root.nameField;
  if (isNode(nameField)) {
    problems.push(...requireElements(nameField, ['label', 'type'], '<nameField> '));
    if (textOf(nameField, 'type') === 'AutoNumber') {
      problems.push(...requireElements(nameField, ['displayFormat'], 'AutoNumber <nameField> '));
    }
  }
  return problems;
}

function checkLabels(parsed: ParsedFile): string[] {
  return asArray(parsed.root.labels)
    .filter(isNode)
    .flatMap((label) =>
      requireElements(
        label,
        ['fullName', 'language', 'shortDescription', 'value'],
        `label ${textOf(label, 'fullName') ?? '?'} `,
      ),
    );
}

/** Facts about fields defined in force-app, for the permission set rules. */
interface FieldFact {
  type?: string;
  required: boolean;
}

function checkPermissionSet(
  parsed: ParsedFile,
  fields: Map<string, FieldFact>,
  objects: Set<string>,
  uncertainObjects: Set<string>,
): string[] {
  const problems = requireElements(parsed.root, ['label']);
  for (const permission of asArray(parsed.root.fieldPermissions).filter(isNode)) {
    const field = textOf(permission, 'field');
    if (field === undefined) {
      problems.push(': a <fieldPermissions> entry has no <field>');
      continue;
    }
    const [objectName] = field.split('.');
    const fact = fields.get(field.toLowerCase());
    if (fact === undefined) {
      const known = objectName !== undefined && objects.has(objectName.toLowerCase());
      if (known && field.endsWith('__c') && !uncertainObjects.has(objectName.toLowerCase())) {
        problems.push(`: <fieldPermissions> names ${field}, which is not defined in force-app`);
      }
      continue;
    }
    if (fact.type === 'MasterDetail' || fact.required) {
      problems.push(`: <fieldPermissions> names ${field}, a required or master-detail field (Salesforce refuses that)`);
    }
    if (textOf(permission, 'editable') === 'true' && textOf(permission, 'readable') !== 'true') {
      problems.push(`: <fieldPermissions> for ${field} is editable but not readable`);
    }
  }
  for (const permission of asArray(parsed.root.objectPermissions).filter(isNode)) {
    const object = textOf(permission, 'object');
    if (object === undefined) {
      problems.push(': an <objectPermissions> entry has no <object>');
    } else if (/__(c|e)$/.test(object) && !objects.has(object.toLowerCase())) {
      problems.push(`: <objectPermissions> names ${object}, which is not defined in force-app`);
    }
  }
  return problems;
}

/** (a) + (b) over every XML file under `root`. */
export function checkMetadataFiles(root: string): CheckResult[] {
  const files = listFiles(root, (file) => file.endsWith('.xml'));
  const parsed = new Map<string, ParsedFile | string[]>(files.map((file) => [file, parseFile(file)]));

  const fields = new Map<string, FieldFact>();
  const objects = new Set<string>();
  // Objects with a field file that did not parse: their fields are unknown, so "not defined" would be noise.
  const uncertainObjects = new Set<string>();
  for (const [file, entry] of parsed) {
    if (Array.isArray(entry)) {
      if (file.endsWith('.field-meta.xml')) uncertainObjects.add(objectOfField(file).toLowerCase());
      continue;
    }
    if (entry.file.endsWith('.field-meta.xml')) {
      const objectName = objectOfField(entry.file);
      objects.add(objectName.toLowerCase());
      const fieldName = textOf(entry.root, 'fullName') ?? path.basename(entry.file, '.field-meta.xml');
      fields.set(`${objectName}.${fieldName}`.toLowerCase(), {
        type: textOf(entry.root, 'type'),
        required: textOf(entry.root, 'required') === 'true',
      });
    } else if (entry.file.endsWith('.object-meta.xml')) {
      objects.add(path.basename(entry.file, '.object-meta.xml').toLowerCase());
    }
  }

  return files.map((file): CheckResult => {
    const entry = parsed.get(file) ?? [': not parsed'];
    const name = displayPath(file);
    if (Array.isArray(entry)) return { name, problems: entry };
    let problems: string[] = [];
    if (file.endsWith('.field-meta.xml')) problems = checkField(entry);
    else if (file.endsWith('.object-meta.xml')) problems = checkObject(entry);
    else if (file.endsWith('.platformEventChannel-meta.xml'))
      problems = requireElements(entry.root, ['channelType', 'label']);
    else if (file.endsWith('.platformEventChannelMember-meta.xml')) {
      problems = requireElements(entry.root, ['eventChannel', 'selectedEntity']);
    } else if (file.endsWith('.permissionset-meta.xml'))
      problems = checkPermissionSet(entry, fields, objects, uncertainObjects);
    else if (file.endsWith('.labels-meta.xml')) problems = checkLabels(entry);
    else if (file.endsWith('.app-meta.xml')) problems = requireElements(entry.root, ['label']);
    else if (file.endsWith('.cls-meta.xml') || file.endsWith('.trigger-meta.xml')) {
      problems = requireElements(entry.root, ['apiVersion', 'status']);
    } else if (file.endsWith('.js-meta.xml')) problems = requireElements(entry.root, ['apiVersion', 'isExposed']);
    return { name, problems: [...new Set(problems)] };
  });
}

/** Environment that keeps the Salesforce CLI offline, quiet and away from the real home directory. */
function offlineSfEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SFDX_DISABLE_TELEMETRY: 'true',
  };
}

/**
 * (c) `sf project convert source`. Without `root` it converts `<repo>/force-app` in place; with a root it copies
 * that tree into a temporary project (with this repo's sfdx-project.json and .forceignore) and converts there.
 */
export function checkConversion(root?: string): CheckResult {
  const name = 'sf project convert source';
  const scratch = mkdtempSync(path.join(tmpdir(), 'audience-loop-metadata-'));
  try {
    const home = path.join(scratch, 'home');
    mkdirSync(home);
    let projectDir = REPO_ROOT;
    if (root !== undefined) {
      projectDir = path.join(scratch, 'project');
      cpSync(root, path.join(projectDir, 'force-app'), { recursive: true });
      copyFileSync(path.join(REPO_ROOT, 'sfdx-project.json'), path.join(projectDir, 'sfdx-project.json'));
      const forceignore = path.join(REPO_ROOT, '.forceignore');
      if (existsSync(forceignore)) copyFileSync(forceignore, path.join(projectDir, '.forceignore'));
    }
    const sf = path.join(REPO_ROOT, 'node_modules', '.bin', 'sf');
    const outputDir = path.join(scratch, 'converted');
    const run = spawnSync(
      sf,
      ['project', 'convert', 'source', '--root-dir', 'force-app', '--output-dir', outputDir, '--json'],
      { cwd: projectDir, env: offlineSfEnv(home), encoding: 'utf8', timeout: 180_000 },
    );
    if (run.error) return { name, problems: [`: could not run ${sf} (${run.error.message})`] };
    if (run.status === 0) return { name, problems: [] };
    return {
      name,
      problems: [`: exit status ${run.status ?? run.signal}: ${conversionMessage(run.stdout, run.stderr)}`],
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function conversionMessage(stdout: string, stderr: string): string {
  try {
    const parsed = JSON.parse(stdout) as { name?: string; message?: string };
    if (parsed.message) return `${parsed.name ?? 'Error'}: ${parsed.message}`.replace(/\s+/g, ' ');
  } catch {
    // not JSON: fall through to the raw output
  }
  return (stderr || stdout).trim().replace(/\s+/g, ' ').slice(0, 500) || 'no output';
}

function main(argv: string[]): number {
  const rootArg = argv[0];
  const root = path.resolve(rootArg ?? DEFAULT_FORCE_APP);
  const results = checkMetadataFiles(root);
  results.push(checkConversion(rootArg === undefined ? undefined : root));
  return report(results);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
