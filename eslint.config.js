// Lint, and the import boundaries of STYLE.md: one runtime per folder, arrows only towards core/.
// A wrong import fails `npm test`, not a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = { regex: '^node:|^(fs|path|os|child_process|crypto|worker_threads|net|http|https|stream|url|util)(/|$)', message: 'core/ and renderer/ run without Node: keep I/O in main/ or server/.' };
const electron = { group: ['electron', 'electron/*'], message: 'Only the Electron shell (main/index.ts, main/shell/) and preload/ import electron.' };
const toFolder = (folder, why) => ({ regex: `^(\\.\\./)+${folder}(/|$)`, message: why });
const intoMain = toFolder('main', 'main/ is the workstation service: share through core/ instead.');
const intoServer = toFolder('server', 'server/ is the central server: share through core/ instead.');
const intoRenderer = toFolder('renderer', 'renderer/ is the screens: share through core/ instead.');
const intoPreload = toFolder('preload', 'preload/ is the contextBridge: share through core/ instead.');
const nativeDb = { group: ['better-sqlite3', 'pg'], message: 'Databases live in main/store and server/.' };

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'coverage/', 'data/', 'test-results/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['core/**'], rules: restrict(nodeBuiltins, electron, nativeDb, intoMain, intoServer, intoRenderer, intoPreload) },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } }, rules: restrict(nodeBuiltins, electron, nativeDb, intoMain, intoServer, intoPreload) },
  { files: ['preload/**'], rules: restrict(nativeDb, intoMain, intoServer, intoRenderer) },
  { files: ['main/**'], ignores: ['main/index.ts', 'main/shell/**'], rules: restrict(electron, intoServer, intoRenderer, intoPreload) },
  // The Electron shell: main/index.ts wires the modules of main/shell/, the only other code that imports electron.
  { files: ['main/index.ts', 'main/shell/**'], rules: restrict(intoServer, intoRenderer) },
  { files: ['server/**'], rules: restrict(electron, intoMain, intoRenderer, intoPreload) },
  // Test support shared by main/, server/ and bench/ (a PostgreSQL cluster, a free port): it depends on none of them.
  { files: ['test-support/**'], rules: restrict(electron, intoMain, intoServer, intoRenderer, intoPreload) },
  // Benchmarks and command-line tools print their results.
  { files: ['bench/**', '**/cli/**', '**/*.cli.ts'], rules: { 'no-console': 'off' } },
);
