/**
 * Files as the platform keeps them: a new ContentVersion without a ContentDocumentId creates its ContentDocument
 * (linked to the owner and to FirstPublishLocationId); one with a ContentDocumentId becomes that document's latest
 * version. Size, extension, type and checksum come from the uploaded bytes (`VersionData`, base64 in the row).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ObjectSpec } from '../schema/field-builders';
import type { RecordStore, Row, WriteTrigger } from './store';

const FILE_TYPES: Record<string, string> = {
  csv: 'CSV',
  txt: 'TEXT',
  pdf: 'PDF',
  png: 'PNG',
  jpg: 'JPG',
  jpeg: 'JPEG',
  json: 'JSON',
  xlsx: 'EXCEL_X',
  docx: 'WORD_X',
  zip: 'ZIP',
};

/** The bytes of a ContentVersion (its VersionData), or undefined when it has none. */
export function versionBytes(row: Row): Buffer | undefined {
  return typeof row.VersionData === 'string' ? Buffer.from(row.VersionData, 'base64') : undefined;
}

export function registerContentRules(store: RecordStore): void {
  const object = (name: string): ObjectSpec => store.catalog.getObject(name)!;

  const version: WriteTrigger = {
    beforeWrite(_tx, _obj, row, before) {
      if (before) return;
      const file = typeof row.PathOnClient === 'string' ? path.basename(row.PathOnClient) : '';
      const ext = path.extname(file).slice(1).toLowerCase();
      if (!row.Title) row.Title = file ? path.basename(file, path.extname(file)) || file : 'Untitled';
      const bytes = versionBytes(row) ?? Buffer.alloc(0);
      row.FileExtension = ext || null;
      row.FileType = FILE_TYPES[ext] ?? 'UNKNOWN';
      row.ContentSize = bytes.length;
      row.Checksum = createHash('md5').update(bytes).digest('hex');
      row.IsLatest = true;
      const previous = row.ContentDocumentId ? versionsOf(row.ContentDocumentId as string) : [];
      row.VersionNumber = String(previous.length + 1);
    },
    afterWrite(tx, obj, row, before) {
      if (before) return;
      const summary = {
        Title: row.Title,
        FileType: row.FileType,
        FileExtension: row.FileExtension,
        ContentSize: row.ContentSize,
        LatestPublishedVersionId: row.Id,
      };
      let documentId = row.ContentDocumentId as string | undefined;
      if (documentId) {
        for (const v of versionsOf(documentId)) if (v.Id !== row.Id) tx.patch(obj, v.Id as string, { IsLatest: false });
        tx.patch(object('ContentDocument'), documentId, summary);
        return;
      }
      documentId = tx.insert(object('ContentDocument'), { ...summary, OwnerId: row.OwnerId });
      tx.patch(obj, row.Id as string, { ContentDocumentId: documentId });
      const link = object('ContentDocumentLink');
      tx.insert(link, {
        LinkedEntityId: row.OwnerId,
        ContentDocumentId: documentId,
        ShareType: 'I',
        Visibility: 'AllUsers',
      });
      const location = row.FirstPublishLocationId as string | undefined;
      if (location && location !== row.OwnerId) {
        tx.insert(link, {
          LinkedEntityId: location,
          ContentDocumentId: documentId,
          ShareType: 'I',
          Visibility: 'AllUsers',
        });
      }
    },
  };

  function versionsOf(documentId: string): Row[] {
    return [...store.table(object('ContentVersion')).values()].filter(
      (v) => v.ContentDocumentId === documentId && v.IsDeleted !== true,
    );
  }

  store.addTrigger('ContentVersion', version);
}
