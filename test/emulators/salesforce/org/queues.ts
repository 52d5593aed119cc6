/**
 * The org's queues: a `Group` of Type `Queue` per demo queue and a `QueueSobject` for each object it may own, with
 * stable ids (like the users'), so a test or the sandbox can name `Lead_Inbox` and find the same queue every start.
 */
import type { Catalog } from '../schema/catalog';
import { DEMO_QUEUES } from '../seed/index';
import { to18 } from './ids';
import type { RecordStore } from './store';

export function loadQueues(store: RecordStore, catalog: Catalog, adminId: string): void {
  const group = catalog.getObject('Group')!;
  const queueSobject = catalog.getObject('QueueSobject')!;
  // `Q…` keeps these ids clear of the ones the id factory counts out for Groups created through the API.
  const groupIds = DEMO_QUEUES.map((_, i) => to18(`00GHsQ${String(i + 1).padStart(9, '0')}`));
  store.load(
    group,
    DEMO_QUEUES.map((q, i) => ({
      Id: groupIds[i],
      Name: q.name,
      DeveloperName: q.developerName,
      Type: 'Queue',
      DoesSendEmailToMembers: false,
      DoesIncludeBosses: false,
    })),
    adminId,
  );
  const links = DEMO_QUEUES.flatMap((q, i) =>
    q.sobjectTypes.map((type) => ({ QueueId: groupIds[i], SobjectType: type })),
  );
  store.load(
    queueSobject,
    links.map((link, i) => ({ Id: to18(`03gHsQ${String(i + 1).padStart(9, '0')}`), ...link })),
    adminId,
  );
}

/** Whether `groupRow` is a queue that may own records of `objectName` (a QueueSobject links them). */
export function queueOwns(
  store: RecordStore,
  catalog: Catalog,
  groupRow: Record<string, unknown>,
  objectName: string,
): boolean {
  if (groupRow.Type !== 'Queue') return false;
  const links = store.table(catalog.getObject('QueueSobject')!);
  for (const link of links.values()) {
    if (link.IsDeleted !== true && link.QueueId === groupRow.Id && link.SobjectType === objectName) return true;
  }
  return false;
}
