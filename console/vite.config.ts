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
  resolve: {
    alias: [
      // The hub's identifier detection registers its GraphQL enums with type-graphql; in the browser that is its documented no-op shim.
      { find: /^type-graphql$/, replacement: 'type-graphql/shim' },
      // Private screening's client: @cloudflare/voprf-ts lists its CommonJS build first ("default") in its
      // exports, which a bundler would take; the browser gets its ES modules build.
      { find: /^@cloudflare\/voprf-ts$/, replacement: path.join(REPO, 'node_modules/@cloudflare/voprf-ts/lib/esm/src/index.js') },
      { find: /^@cloudflare\/voprf-ts\/crypto-noble$/, replacement: path.join(REPO, 'node_modules/@cloudflare/voprf-ts/lib/esm/src/cryptoNoble.js') },
    ],
  },
  plugins: [listSources()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
});
