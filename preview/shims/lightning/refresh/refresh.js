// lightning/refresh in the preview: RefreshEvent bubbles to the page, which asks every registered handler.
export const RefreshEventName = 'lightning__refreshevent';

export class RefreshEvent extends CustomEvent {
  constructor() {
    super(RefreshEventName, { bubbles: true, composed: true });
  }
}

const handlers = new Map();
let nextId = 0;

export function registerRefreshHandler(element, handler) {
  const id = ++nextId;
  handlers.set(id, { element, handler });
  return id;
}

export function unregisterRefreshHandler(id) {
  handlers.delete(id);
}

export function registerRefreshContainer(element, handler) {
  return registerRefreshHandler(element, handler);
}

export const unregisterRefreshContainer = unregisterRefreshHandler;

/** Called by the preview page on a RefreshEvent. */
export function refreshAll() {
  return Promise.all([...handlers.values()].map(({ handler }) => handler()));
}
