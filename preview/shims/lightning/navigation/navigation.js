// lightning/navigation in the preview (LBC's needs the platform's force/navigation): record pages are preview URLs,
// other page references are logged and ignored.
import { FetchWireAdapter } from 'sfpreview/runtime/wire-adapter';

export function urlFor(pageReference) {
  const attributes = (pageReference && pageReference.attributes) || {};
  if (pageReference && pageReference.type === 'standard__recordPage' && attributes.recordId) {
    const object = attributes.objectApiName || 'sObject';
    return `/lightning/r/${object}/${attributes.recordId}/${attributes.actionName || 'view'}`;
  }
  if (pageReference && pageReference.type === 'standard__webPage') return attributes.url;
  return undefined;
}

export class CurrentPageReference extends FetchWireAdapter {
  load() {
    const match = /^\/lightning\/r\/([^/]+)\/([^/]+)\/([^/]+)/.exec(window.location.pathname);
    return Promise.resolve(
      match
        ? {
            type: 'standard__recordPage',
            attributes: { objectApiName: match[1], recordId: match[2], actionName: match[3] },
            state: {},
          }
        : { type: 'standard__webPage', attributes: { url: window.location.href }, state: {} },
    );
  }
}

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference, replace) {
      const url = urlFor(pageReference);
      if (!url) {
        console.warn('preview: no page for', pageReference);
        return;
      }
      if (replace) window.location.replace(url);
      else window.location.assign(url);
    }

    [GenerateUrl](pageReference) {
      return Promise.resolve(urlFor(pageReference));
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
