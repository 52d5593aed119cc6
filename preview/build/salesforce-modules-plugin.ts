/**
 * The rollup plugin that stands in for what the Lightning platform provides to a component at run time. Placed
 * before `@lwc/rollup-plugin`: rollup takes the first `resolveId` that answers, so every id claimed here wins over
 * lightning-base-components, and every id left alone (`lwc`, LBC's `lightning/*`, relative imports) falls through.
 *
 * - `lightning/<x>` → `preview/shims/lightning/<x>/<x>.js` when a shim exists (LBC lacks uiRecordApi, empApi… and its
 *   `lightning/navigation` needs the platform's `force/navigation`).
 * - `@salesforce/schema|apex|label/c.|user/Id` → small generated modules (`\0` ids, which the LWC compiler skips).
 * - `@salesforce/i18n/*`, `@salesforce/client/formFactor` for project code → LBC's own scoped files (LBC scopes its
 *   alias records to importers inside the package).
 * - `sfpreview:record-page-components` → the map of record-page components the page may place.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'rollup';
import { readCustomLabels } from './custom-labels';
import type { ComponentBundle } from './record-page-components';

const VIRTUAL = '\0sfpreview:';
/**
 * LBC gates the preview keeps closed (LBC's own stub opens every gate). The combobox's ElementInternals throw under
 * synthetic shadow ("attachInternals API is not supported in synthetic shadow"), which the preview runs, as
 * Lightning Experience does.
 */
const CLOSED_GATES = new Set(['@salesforce/gate/bc.260.enableComboboxElementInternals']);
export const RECORD_PAGE_COMPONENTS_ID = 'sfpreview:record-page-components';

export type SalesforceModulesOptions = {
  forceAppRoot: string;
  previewRoot: string;
  lbcRoot: string;
  components: ComponentBundle[];
};

function schemaModule(id: string): string {
  const [objectApiName, ...field] = id.slice('@salesforce/schema/'.length).split('.');
  const value = field.length > 0 ? { objectApiName, fieldApiName: field.join('.') } : { objectApiName };
  return `export default ${JSON.stringify(value)};`;
}

function apexModule(id: string): string {
  const parts = id.slice('@salesforce/apex/'.length).split('.');
  const [method, className, namespace] = [parts.at(-1), parts.at(-2), parts.length > 2 ? parts[0] : ''];
  return (
    `import { makeApexMethod } from 'sfpreview/runtime/apex';\n` +
    `export default makeApexMethod(${JSON.stringify(namespace)}, ${JSON.stringify(className)}, ${JSON.stringify(method)});`
  );
}

function componentsModule(components: ComponentBundle[]): string {
  const onPage = components.filter((c) => c.onRecordPage || c.onTab);
  const imports = onPage.map((c, i) => `import C${i} from 'c/${c.name}';`).join('\n');
  const entries = onPage.map(
    (c, i) =>
      `{ name: ${JSON.stringify(c.name)}, tag: ${JSON.stringify(c.tag)}, ctor: C${i}, recordPage: ${c.onRecordPage}, tab: ${c.onTab} }`,
  );
  return `${imports}\nexport default [${entries.join(', ')}];`;
}

export function salesforceModules(options: SalesforceModulesOptions): Plugin {
  const labels = () => readCustomLabels(options.forceAppRoot);
  const isLbcFile = (importer: string | undefined) => importer?.startsWith(options.lbcRoot) ?? false;
  return {
    name: 'salesforce-modules',
    buildStart() {
      // The LWC plugin gives a component's JS module an id with a `?specifier=` query, which rollup's watcher cannot
      // watch as a path: watch every file of each component folder by its real path so `--watch` sees edits.
      for (const component of options.components) {
        const folder = path.dirname(component.jsPath);
        for (const file of readdirSync(folder))
          if (!file.endsWith('-meta.xml')) this.addWatchFile(path.join(folder, file));
      }
    },
    resolveId(id, importer) {
      if (id === RECORD_PAGE_COMPONENTS_ID || CLOSED_GATES.has(id)) return VIRTUAL + id;
      if (id.startsWith('sfpreview/runtime/')) {
        return path.join(options.previewRoot, 'client', 'runtime', `${id.slice('sfpreview/runtime/'.length)}.js`);
      }
      const shim = /^lightning\/([A-Za-z]+)$/.exec(id);
      if (shim) {
        const file = path.join(options.previewRoot, 'shims', 'lightning', shim[1]!, `${shim[1]}.js`);
        return existsSync(file) ? file : null;
      }
      if (
        id.startsWith('@salesforce/schema/') ||
        id.startsWith('@salesforce/apex/') ||
        id === '@salesforce/apex' ||
        id.startsWith('@salesforce/label/c.') ||
        id === '@salesforce/user/Id'
      ) {
        return VIRTUAL + id;
      }
      if ((id.startsWith('@salesforce/i18n/') || id === '@salesforce/client/formFactor') && !isLbcFile(importer)) {
        const file = path.join(options.lbcRoot, 'scopedImports', `${id.slice(1).replaceAll('/', '-')}.js`);
        if (existsSync(file)) return file;
      }
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const request = id.slice(VIRTUAL.length);
      if (request === RECORD_PAGE_COMPONENTS_ID) return componentsModule(options.components);
      if (CLOSED_GATES.has(request)) return 'export default { isOpen: () => false };';
      if (request.startsWith('@salesforce/schema/')) return schemaModule(request);
      if (request === '@salesforce/apex')
        return `export { refreshApex, getSObjectValue } from 'sfpreview/runtime/apex';`;
      if (request.startsWith('@salesforce/apex/')) return apexModule(request);
      if (request === '@salesforce/user/Id') return `export { userId as default } from 'sfpreview/runtime/session';`;
      if (request.startsWith('@salesforce/label/c.')) {
        const name = request.slice('@salesforce/label/c.'.length);
        // Rebuild on a label edit too (the labels file is read here, not imported).
        this.addWatchFile(path.join(options.forceAppRoot, 'labels', 'CustomLabels.labels-meta.xml'));
        const value = labels().get(name);
        // A label the metadata lacks would fail the deploy: fail the build the same way.
        if (value === undefined) this.error(`custom label c.${name} is not in CustomLabels.labels-meta.xml`);
        return `export default ${JSON.stringify(value)};`;
      }
      return null;
    },
  };
}
