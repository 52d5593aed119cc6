// Flat ESLint config for the whole repository: typescript-eslint for the Node side, the Salesforce LWC rules
// for force-app, Prettier last so formatting is Prettier's job alone.
import js from '@eslint/js';
import lwcConfig from '@salesforce/eslint-config-lwc';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['server/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', '*.ts'];
const LWC_FILES = ['force-app/main/default/lwc/**/*.js'];
const LWC_TEST_FILES = ['force-app/**/__tests__/**/*.js', 'force-app/test/**/*.js'];

/** Scopes shared configs (which come without `files`) to the given files. */
const scoped = (configs, files) => configs.map((config) => ({ ...config, files }));

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
  ...scoped(lwcConfig.configs.recommended, LWC_FILES),
  {
    files: LWC_TEST_FILES,
    languageOptions: { globals: { ...globals.jest, ...globals.node } },
  },
  prettier,
);
