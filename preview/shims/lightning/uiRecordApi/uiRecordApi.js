// lightning/uiRecordApi in the preview: the wire adapters read the org's UI API (proxied by the preview server as the
// signed-in user); writes go to the same API; a small change bus stands in for the LDS cache's notifications.
import { FetchWireAdapter } from 'sfpreview/runtime/wire-adapter';
import { fetchJson, deepFreeze } from 'sfpreview/runtime/http';
import { onRecordChange, recordsChanged } from 'sfpreview/runtime/record-bus';
import { apiVersion } from 'sfpreview/runtime/session';

const uiApi = (path) => `/services/data/v${apiVersion}/ui-api${path}`;

const fieldName = (field) => (typeof field === 'string' ? field : `${field.objectApiName}.${field.fieldApiName}`);
const fieldList = (fields) =>
  []
    .concat(fields || [])
    .map(fieldName)
    .join(',');

function notAvailable(name) {
  return () => Promise.reject({ status: 501, ok: false, body: { message: `${name} is not in the local preview` } });
}

async function readRecord(config) {
  const query = new URLSearchParams();
  if (config.fields) query.set('fields', fieldList(config.fields));
  if (config.optionalFields) query.set('optionalFields', fieldList(config.optionalFields));
  if (config.layoutTypes) query.set('layoutTypes', [].concat(config.layoutTypes).join(','));
  if (config.modes) query.set('modes', [].concat(config.modes).join(','));
  return deepFreeze(await fetchJson(`${uiApi(`/records/${config.recordId}`)}?${query}`));
}

class RecordWireAdapter extends FetchWireAdapter {
  load(config) {
    return config && config.recordId ? readRecord(config) : undefined;
  }

  recordIds(config) {
    return config && config.recordId ? [config.recordId] : [];
  }

  onChange(recordId) {
    return onRecordChange(recordId, () => this.refresh());
  }
}

class RecordsWireAdapter extends FetchWireAdapter {
  load(config) {
    if (!config || !config.records) return undefined;
    return Promise.all(
      config.records.flatMap((group) =>
        group.recordIds.map((recordId) =>
          readRecord({ ...group, recordId }).then(
            (result) => ({ statusCode: 200, result }),
            (error) => ({ statusCode: error.status, result: error.body }),
          ),
        ),
      ),
    ).then((results) => deepFreeze({ results }));
  }
}

export const getRecord = RecordWireAdapter;
export const getRecords = RecordsWireAdapter;
export const getRecordUi = RecordWireAdapter;
export const getRecordCreateDefaults = class extends FetchWireAdapter {};
export const getRecordInput = undefined;

export async function updateRecord(recordInput) {
  const { Id, ...fields } = recordInput.fields;
  const record = deepFreeze(
    await fetchJson(uiApi(`/records/${Id}`), { method: 'PATCH', body: JSON.stringify({ fields }) }),
  );
  await recordsChanged([Id]);
  return record;
}

export const createRecord = notAvailable('createRecord');
export const deleteRecord = notAvailable('deleteRecord');

export async function notifyRecordUpdateAvailable(records) {
  await recordsChanged(records.map((r) => r.recordId));
}
export const getRecordNotifyChange = notifyRecordUpdateAvailable;
export const refresh = notifyRecordUpdateAvailable;

export function getFieldValue(record, field) {
  const path = typeof field === 'string' ? field.split('.').slice(1) : field.fieldApiName.split('.');
  let current = record;
  for (let i = 0; i < path.length; i++) {
    const entry = current && current.fields && current.fields[path[i]];
    if (!entry) return undefined;
    if (i === path.length - 1) return entry.value;
    current = entry.value;
  }
  return undefined;
}

export function getFieldDisplayValue(record, field) {
  const path = typeof field === 'string' ? field.split('.').slice(1) : field.fieldApiName.split('.');
  let current = record;
  for (let i = 0; i < path.length; i++) {
    const entry = current && current.fields && current.fields[path[i]];
    if (!entry) return undefined;
    if (i === path.length - 1) return entry.displayValue;
    current = entry.value;
  }
  return undefined;
}

export function generateRecordInputForUpdate(record) {
  const fields = { Id: record.id };
  Object.entries(record.fields || {}).forEach(([name, entry]) => {
    if (entry && (entry.value === null || typeof entry.value !== 'object')) fields[name] = entry.value;
  });
  return { fields };
}

export function generateRecordInputForCreate(record) {
  const { fields } = generateRecordInputForUpdate(record);
  delete fields.Id;
  return { apiName: record.apiName, fields };
}

export function createRecordInputFilteredByEditedFields(recordInput, originalRecord) {
  const fields = {};
  Object.entries(recordInput.fields).forEach(([name, value]) => {
    const before = getFieldValue(originalRecord, `${originalRecord.apiName}.${name}`);
    if (name === 'Id' || value !== before) fields[name] = value;
  });
  return { ...recordInput, fields };
}
