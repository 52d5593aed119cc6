// A record page at /lightning/r/<Object>/<Id>/view: each record-page component of force-app (or the ones named in
// ?components=a,b) created with recordId and objectApiName, as Lightning App Builder would place them. Toasts the
// components raise are shown in a plain SLDS toast region.
import { createElement } from 'lwc';
import components from 'sfpreview:record-page-components';
import { RefreshEventName, refreshAll } from 'lightning/refresh';

function showToast(region, detail) {
  const variant = detail.variant || 'info';
  const toast = document.createElement('div');
  toast.className = `slds-notify slds-notify_toast slds-theme_${variant}`;
  toast.setAttribute('role', 'status');
  toast.dataset.variant = variant;
  const body = document.createElement('div');
  body.className = 'slds-notify__content';
  const title = document.createElement('h2');
  title.className = 'slds-text-heading_small';
  title.textContent = detail.title || '';
  const message = document.createElement('p');
  message.textContent = detail.message || '';
  body.append(title, message);
  toast.append(body);
  region.append(toast);
  if (detail.mode !== 'sticky') setTimeout(() => toast.remove(), 8000);
}

/** A tab at /lightning/n/<Tab>: the force-app components exposed as tabs (or the ones in ?components=a,b). */
function mountTab(root, tabName, wanted) {
  document.getElementById('preview-record').textContent = tabName;
  const chosen = components.filter((c) => c.tab && (!wanted || wanted.split(',').includes(c.name)));
  for (const component of chosen) {
    const region = document.createElement('div');
    region.dataset.component = component.name;
    region.append(createElement(component.tag, { is: component.ctor }));
    root.append(region);
  }
}

export function mountRecordPage(root) {
  const toasts = document.getElementById('preview-toasts');
  document.addEventListener('lightning__showtoast', (event) => showToast(toasts, event.detail));
  document.addEventListener(RefreshEventName, () => refreshAll());
  const wanted = new URLSearchParams(window.location.search).get('components');

  const tab = /^\/lightning\/n\/([^/]+)/.exec(window.location.pathname);
  if (tab) {
    mountTab(root, tab[1], wanted);
    return;
  }
  const match = /^\/lightning\/r\/([^/]+)\/([^/]+)\/view/.exec(window.location.pathname);
  if (!match) {
    root.textContent = 'Open a record page: /lightning/r/<Object>/<Id>/view, or a tab: /lightning/n/<Tab>';
    return;
  }
  const [, objectApiName, recordId] = match;
  const chosen = components.filter((c) => c.recordPage && (!wanted || wanted.split(',').includes(c.name)));

  document.getElementById('preview-record').textContent = `${objectApiName} ${recordId}`;
  for (const component of chosen) {
    const region = document.createElement('div');
    region.className = 'slds-var-m-bottom_medium';
    region.dataset.component = component.name;
    const element = createElement(component.tag, { is: component.ctor });
    element.recordId = recordId;
    element.objectApiName = objectApiName;
    region.append(element);
    root.append(region);
  }
}
