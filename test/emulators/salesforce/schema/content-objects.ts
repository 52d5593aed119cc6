/** Files: a ContentVersion's upload creates its ContentDocument; ContentDocumentLink shares it with records. */
import { field, makeObject, pick, ref, str, systemFields, type ObjectSpec } from './field-builders';

const readOnly = { createable: false, updateable: false };

export function contentObjects(): ObjectSpec[] {
  const version = makeObject('ContentVersion', 'Content Version', 'Content Versions', '068', 'standard', [
    ...systemFields(true),
    ref('ContentDocumentId', 'ContentDocument ID', ['ContentDocument'], 'ContentDocument', {
      updateable: false,
      childRelationshipName: 'ContentVersions',
    }),
    // Title defaults to the file name of PathOnClient (org/content-rules.ts).
    str('Title', 'Title', 255, { nillable: false, nameField: true, defaultedOnCreate: true }),
    str('Description', 'Description', 1000),
    str('PathOnClient', 'Path On Client', 500, { updateable: false }),
    field('VersionData', 'base64', 'Version Data', { updateable: false }),
    ref(
      'FirstPublishLocationId',
      'First Publish Location ID',
      ['User', 'Account', 'Contact', 'Lead', 'Campaign'],
      'FirstPublishLocation',
      {
        updateable: false,
      },
    ),
    field('IsLatest', 'boolean', 'Is Latest', { ...readOnly, defaultValue: true }),
    str('VersionNumber', 'Version Number', 20, readOnly),
    str('FileType', 'File Type', 20, readOnly),
    str('FileExtension', 'File Extension', 40, readOnly),
    field('ContentSize', 'int', 'Size', readOnly),
    str('Checksum', 'Checksum', 50, readOnly),
    pick('ContentLocation', 'Content Location', ['S', 'E', 'L'], { updateable: false, defaultValue: 'S' }),
    pick('Origin', 'Content Origin', ['C', 'H'], { updateable: false, defaultValue: 'C' }),
    field('VersionDataUrl', 'url', 'Version Data URL', readOnly),
  ]);
  const document = makeObject('ContentDocument', 'Content Document', 'Content Documents', '069', 'standard', [
    ...systemFields(true),
    str('Title', 'Title', 255, { nameField: true }),
    str('Description', 'Description', 1000),
    ref(
      'LatestPublishedVersionId',
      'Latest Published Version ID',
      ['ContentVersion'],
      'LatestPublishedVersion',
      readOnly,
    ),
    str('FileType', 'File Type', 20, readOnly),
    str('FileExtension', 'File Extension', 40, readOnly),
    field('ContentSize', 'int', 'Size', readOnly),
  ]);
  const link = makeObject('ContentDocumentLink', 'Content Document Link', 'Content Document Links', '06A', 'standard', [
    field('Id', 'id', 'Content Document Link ID', { ...readOnly, nillable: false, system: true }),
    field('IsDeleted', 'boolean', 'Deleted', { ...readOnly, nillable: false, system: true }),
    field('SystemModstamp', 'datetime', 'System Modstamp', { ...readOnly, nillable: false, system: true }),
    ref(
      'LinkedEntityId',
      'Linked Entity ID',
      ['User', 'Account', 'Contact', 'Lead', 'Campaign', 'Opportunity'],
      'LinkedEntity',
      {
        childRelationshipName: 'ContentDocumentLinks',
        required: true,
        nillable: false,
        updateable: false,
      },
    ),
    ref('ContentDocumentId', 'ContentDocument ID', ['ContentDocument'], 'ContentDocument', {
      required: true,
      nillable: false,
      updateable: false,
      childRelationshipName: 'ContentDocumentLinks',
    }),
    pick('ShareType', 'Share Type', ['V', 'C', 'I'], { defaultValue: 'V' }),
    pick('Visibility', 'Visibility', ['AllUsers', 'InternalUsers', 'SharedUsers'], { defaultValue: 'AllUsers' }),
  ]);
  return [version, document, link];
}
