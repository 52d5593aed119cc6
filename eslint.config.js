// Flat ESLint config for the whole repository: typescript-eslint for the Node side, the Salesforce LWC rules
// for force-app, Prettier last so formatting is Prettier's job alone.
import js from '@eslint/js';
import lwcConfig from '@salesforce/eslint-config-lwc';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['server/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', 'preview/**/*.ts', '*.ts'];
// The preview's browser side (bundled with the components): browser globals, not Node's.
const PREVIEW_BROWSER_FILES = ['preview/client/**/*.js', 'preview/shims/**/*.js'];
const LWC_FILES = ['force-app/main/default/lwc/**/*.js'];
const LWC_TEST_FILES = ['force-app/**/__tests__/**/*.js', 'force-app/test/**/*.js'];

/** Scopes shared configs (which come without `files`) to the given files. */
const scoped = (configs, files) => configs.map((config) => ({ ...config, files }));

// ── Import boundaries of the service (issue 10) ──────────────────────────────────────────────────────────────────
// Production code (server/src) never reaches test/ or scripts/, statically or by dynamic import; jsforce is imported
// only behind the Salesforce boundary (server/src/salesforce/**); the emulator package is loaded by dynamic import in
// sandbox mode only. `no-restricted-imports` sees `import`/`export … from`; `no-restricted-syntax` sees `import()`.
const SERVER_SRC = ['server/src/**/*.ts'];
const SALESFORCE_BOUNDARY = ['server/src/salesforce/**/*.ts'];
const SANDBOX_LOADER = 'server/src/sandbox/start-sandbox.ts';

// Files that import jsforce outside server/src/salesforce/: none since issue 10 moved them behind the boundary.
// Do not add to it.
const JSFORCE_NOT_YET_BEHIND_BOUNDARY = [];

/** A relative path with a `test` or `scripts` segment: from server/src that is test code or a script. */
const TEST_OR_SCRIPTS_PATH = String.raw`^\.{1,2}/(?:.*/)?(?:test|scripts)(?:/|$)`;
const JSFORCE_PATH = String.raw`^jsforce(?:/|$)`;
const EMULATOR_PACKAGE = '@audience-loop/salesforce-emulator';
const FORCE_APP_MODEL_PACKAGE = '@audience-loop/force-app-model';
const MESSAGES = {
  testOrScripts: 'server/src must not import test/ or scripts/ (production never depends on test code or scripts).',
  jsforce: 'jsforce is imported only under server/src/salesforce/ (the Salesforce boundary); use its clients.',
  emulator: `${EMULATOR_PACKAGE} is loaded only by dynamic import, in sandbox mode, in ${SANDBOX_LOADER}.`,
  forceAppModel: `${FORCE_APP_MODEL_PACKAGE} lives in scripts/: server/src must not import it.`,
  literal: 'A dynamic import in server/src takes a string literal, so the import boundaries can see what it loads.',
};

/** esquery regexes cannot contain `/`: spell it \x2F. */
const dynamicImportOf = (regex, message) => ({
  selector: `ImportExpression[source.value=/${regex.replaceAll('/', String.raw`\x2F`)}/]`,
  message,
});
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);

/** The boundary rules for one group of server/src files: jsforce allowed or not, the emulator's `import()` or not. */
function serverBoundary({ jsforce, emulatorImport }) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          ...(jsforce ? [] : [{ name: 'jsforce', message: MESSAGES.jsforce }]),
          { name: EMULATOR_PACKAGE, message: MESSAGES.emulator },
          { name: FORCE_APP_MODEL_PACKAGE, message: MESSAGES.forceAppModel },
        ],
        patterns: [
          { regex: TEST_OR_SCRIPTS_PATH, message: MESSAGES.testOrScripts },
          ...(jsforce ? [] : [{ group: ['jsforce/*'], message: MESSAGES.jsforce }]),
          { group: [`${EMULATOR_PACKAGE}/*`], message: MESSAGES.emulator },
          { group: [`${FORCE_APP_MODEL_PACKAGE}/*`], message: MESSAGES.forceAppModel },
        ],
      },
    ],
    'no-restricted-syntax': [
      'error',
      dynamicImportOf(TEST_OR_SCRIPTS_PATH, MESSAGES.testOrScripts),
      ...(jsforce ? [] : [dynamicImportOf(JSFORCE_PATH, MESSAGES.jsforce)]),
      ...(emulatorImport ? [] : [dynamicImportOf(`^${escapeRegex(EMULATOR_PACKAGE)}(?:/|$)`, MESSAGES.emulator)]),
      dynamicImportOf(`^${escapeRegex(FORCE_APP_MODEL_PACKAGE)}(?:/|$)`, MESSAGES.forceAppModel),
      { selector: "ImportExpression[source.type!='Literal']", message: MESSAGES.literal },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'coverage/**',
      '.sf/**',
      '.sfdx/**',
      '.tmp/**',
      '.localdevserver/**',
      'dist/**',
      '**/dist/**',
      'force-app/**/__tests__/**/data/**',
    ],
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: LWC_FILES,
    ...js.configs.recommended,
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: PREVIEW_BROWSER_FILES,
    languageOptions: { globals: { ...globals.browser } },
  },
  ...scoped([...tseslint.configs.recommended], TS_FILES),
  {
    files: TS_FILES,
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: SERVER_SRC,
    ignores: [...SALESFORCE_BOUNDARY, ...JSFORCE_NOT_YET_BEHIND_BOUNDARY],
    rules: serverBoundary({ jsforce: false, emulatorImport: false }),
  },
  {
    files: [...SALESFORCE_BOUNDARY, ...JSFORCE_NOT_YET_BEHIND_BOUNDARY],
    rules: serverBoundary({ jsforce: true, emulatorImport: false }),
  },
  {
    files: [SANDBOX_LOADER],
    rules: serverBoundary({ jsforce: JSFORCE_NOT_YET_BEHIND_BOUNDARY.includes(SANDBOX_LOADER), emulatorImport: true }),
  },
  ...scoped(lwcConfig.configs.recommended, LWC_FILES),
  {
    files: LWC_TEST_FILES,
    languageOptions: { globals: { ...globals.jest, ...globals.node } },
  },
  prettier,
);
