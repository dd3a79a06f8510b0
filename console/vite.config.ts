import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const REPO = path.resolve(__dirname, '..');

/**
 * The repository files outside console/ the bundle was built from (the hub's own identifier
 * detection and taxonomy, services/), listed in .tessera/console-sources.json: the build is stale when
 * one of them changes too (scripts/console-build.ts). Kept out of dist, which the gateway serves.
 */
function listSources(): Plugin {
  return {
    name: 'tessera-console-sources',
    generateBundle() {
      const outside = [...this.getModuleIds()]
        .filter((id) => path.isAbsolute(id) && !id.includes(`${path.sep}node_modules${path.sep}`) && !id.startsWith(path.join(REPO, 'console') + path.sep))
        .map((id) => path.relative(REPO, id.split('?')[0]!))
        .sort();
      fs.mkdirSync(path.join(REPO, '.tessera'), { recursive: true });
      fs.writeFileSync(path.join(REPO, '.tessera', 'console-sources.json'), JSON.stringify(outside, null, 2));
    },
  };
}

/** The console: built into console/dist, which the gateway serves at / (gateway/console.ts). */
export default defineConfig({
  base: '/',
  // The hub's identifier detection registers its GraphQL enums with type-graphql; in the browser that is its documented no-op shim.
  resolve: { alias: { 'type-graphql': 'type-graphql/shim' } },
  plugins: [listSources()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
});
