// lightning/uiObjectInfoApi in the preview: object info from the org's UI API.
import { FetchWireAdapter } from 'sfpreview/runtime/wire-adapter';
import { fetchJson, deepFreeze } from 'sfpreview/runtime/http';
import { apiVersion } from 'sfpreview/runtime/session';

const objectName = (o) => (typeof o === 'string' ? o : o && o.objectApiName);
const readInfo = (name) =>
  fetchJson(`/services/data/v${apiVersion}/ui-api/object-info/${encodeURIComponent(name)}`).then(deepFreeze);

export class getObjectInfo extends FetchWireAdapter {
  load(config) {
    const name = config && objectName(config.objectApiName);
    return name ? readInfo(name) : undefined;
  }
}

export class getObjectInfos extends FetchWireAdapter {
  load(config) {
    if (!config || !config.objectApiNames) return undefined;
    return Promise.all(
      config.objectApiNames.map((o) =>
        readInfo(objectName(o)).then(
          (result) => ({ statusCode: 200, result }),
          (error) => ({ statusCode: error.status, result: error.body }),
        ),
      ),
    ).then((results) => deepFreeze({ results }));
  }
}

function picklistsUnavailable() {
  return Promise.reject({ status: 501, ok: false, body: { message: 'picklist values are not in the local preview' } });
}

export class getPicklistValues extends FetchWireAdapter {
  load(config) {
    return config && config.fieldApiName ? picklistsUnavailable() : undefined;
  }
}

export class getPicklistValuesByRecordType extends FetchWireAdapter {
  load(config) {
    return config && config.objectApiName ? picklistsUnavailable() : undefined;
  }
}
