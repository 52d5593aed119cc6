// The signed-in user and API version the preview server injected into the page (window.__previewSession).
const session = (typeof window !== 'undefined' && window.__previewSession) || {};

export const userId = session.userId;
export const apiVersion = session.apiVersion || '62.0';
