// Stands in for the LDS cache's change notifications: a write or notifyRecordUpdateAvailable makes every wire
// keyed on that record fetch again.
const listeners = new Map();

const key = (recordId) => String(recordId).slice(0, 15);

export function onRecordChange(recordId, listener) {
  const k = key(recordId);
  if (!listeners.has(k)) listeners.set(k, new Set());
  listeners.get(k).add(listener);
  return () => listeners.get(k) && listeners.get(k).delete(listener);
}

export async function recordsChanged(recordIds) {
  const pending = [];
  for (const recordId of recordIds) {
    for (const listener of listeners.get(key(recordId)) || []) pending.push(listener());
  }
  await Promise.all(pending);
}
