/**
 * The force-app LWC bundles: every one becomes an alias record `c/<name>` for the LWC module resolver (the SFDX layout
 * has no namespace folder), and the ones exposed on record pages (`lightning__RecordPage`) are what the preview's
 * record page can place.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ComponentBundle = {
  /** Folder name, e.g. `audienceStatus`. */
  name: string;
  /** Custom element tag, e.g. `c-audience-status`. */
  tag: string;
  jsPath: string;
  onRecordPage: boolean;
  /** Exposed as a Lightning tab (`lightning__Tab`): the preview's `/lightning/n/<Tab>` page places it. */
  onTab: boolean;
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function readComponentBundles(forceAppRoot: string): ComponentBundle[] {
  const lwcRoot = path.join(forceAppRoot, 'lwc');
  if (!existsSync(lwcRoot)) return [];
  return readdirSync(lwcRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(lwcRoot, entry.name, `${entry.name}.js`)))
    .map((entry) => {
      const meta = path.join(lwcRoot, entry.name, `${entry.name}.js-meta.xml`);
      const metaText = existsSync(meta) ? readFileSync(meta, 'utf8') : '';
      return {
        name: entry.name,
        tag: `c-${kebab(entry.name)}`,
        jsPath: path.join(lwcRoot, entry.name, `${entry.name}.js`),
        onRecordPage: /<isExposed>\s*true\s*<\/isExposed>/.test(metaText) && metaText.includes('lightning__RecordPage'),
        onTab: /<isExposed>\s*true\s*<\/isExposed>/.test(metaText) && metaText.includes('lightning__Tab'),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
