// `@salesforce/apex/Class.method` in the preview: a function that POSTs its parameters to the preview server's
// stand-in of that method, usable imperatively and with @wire (the engine calls `fn.adapter` for callable adapters).
import { FetchWireAdapter } from './wire-adapter';
import { fetchJson } from './http';

const adapters = new WeakMap();

export function makeApexMethod(namespace, className, method) {
  const qualified = namespace ? `${namespace}__${className}` : className;
  const call = (params) =>
    fetchJson(`/__preview/apex/${qualified}/${method}`, { method: 'POST', body: JSON.stringify(params || {}) });

  class ApexWireAdapter extends FetchWireAdapter {
    load(config) {
      // An unresolved '$prop' leaves a value undefined: like the platform, wait for it.
      if (config && Object.values(config).some((v) => v === undefined)) return undefined;
      return call(config);
    }

    emit(value) {
      adapters.set(value, this);
      super.emit(value);
    }
  }

  const apexMethod = (params) => call(params);
  apexMethod.adapter = ApexWireAdapter;
  return apexMethod;
}

/** Fetches a wired Apex value again; resolves when the component has the new value. */
export function refreshApex(wiredValue) {
  const adapter = adapters.get(wiredValue);
  return adapter ? adapter.refresh() : Promise.resolve();
}

export function getSObjectValue(record, field) {
  const name = typeof field === 'string' ? field : field.fieldApiName;
  return name.split('.').reduce((value, part) => (value == null ? undefined : value[part]), record);
}
