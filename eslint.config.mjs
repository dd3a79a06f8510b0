// @ts-check
import fs from 'node:fs';
import path from 'node:path';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** The subgraphs: every folder of services/ but the kernel, each owning one Postgres schema (a new one is walled in as it appears). */
const SUBGRAPHS = fs
  .readdirSync(path.join(root, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'kernel')
  .map((entry) => entry.name);

/**
 * The walls between the parts of the hub (docs/architecture.md, "Walls and each subgraph's API"):
 * a subgraph reaches another only through that owner's `api.ts`; the kernel and the policies know
 * no subgraph; the gateway knows the kernel, the agencies API (who is calling) and the registry of
 * subgraph entry points it hosts in-process.
 */
const walls = [
  ...SUBGRAPHS.map((name) => ({
    target: `services/${name}`,
    from: SUBGRAPHS.filter((other) => other !== name).map((other) => `services/${other}`),
    except: ['api.ts'],
    message: `A subgraph imports another only through its API module services/<owner>/api.ts.`,
  })),
  {
    target: ['services/kernel', 'policies'],
    from: [...SUBGRAPHS.map((name) => `services/${name}`), 'services/registry.ts', 'services/setup.ts'],
    message: 'The kernel and the policies import no subgraph.',
  },
  {
    target: 'gateway',
    from: 'services',
    except: ['kernel', 'agencies/api.ts', 'registry.ts'],
    message: 'The gateway imports only services/kernel, services/agencies/api.ts and the registry of subgraphs.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'schema/', 'console/src/graphql-env.d.ts', 'coverage/', '.tessera/', 'console/dist/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mjs,js}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json', '.d.ts'] })],
    },
    rules: {
      // Destructuring to drop fields (`const { stack: _stack, ...rest } = e`) and `_`-named unused parameters are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: walls }],
    },
  },
  {
    // Migrations are frozen history: they may name the kernel's types, never run its code (or a subgraph's).
    files: ['migrations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '**/policies/**'],
              allowTypeImports: true,
              message:
                'A migration imports nothing from services/ or policies/ except types: its DDL is written out in full, so it never changes after it ran.',
            },
          ],
        },
      ],
    },
  },
  {
    // CommonJS configuration files (jest.config.js) require() by design.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
