import { readFileSync } from 'node:fs'
import { defineConfig, type UserConfig } from 'tsdown'

// One output file per public entry; package.json `exports` points at exactly these names.
const entries: Record<string, string> = {
  index: 'src/index.ts',
  core: 'src/core/index.ts',
  testing: 'src/testing/index.ts',
}
function startsWithUseClient(file: string | null): boolean {
  return file !== null && /^\s*['"]use client['"]/.test(readFileSync(file, 'utf8'))
}

const config: UserConfig = defineConfig({
  entry: entries,
  format: 'esm',
  platform: 'neutral',
  // No syntax lowering: consumers' bundlers pick their own targets.
  target: false,
  outDir: 'dist',
  clean: true,
  tsconfig: 'tsconfig.build.json',
  // isolatedDeclarations (tsconfig.build.json) switches rolldown-plugin-dts to oxc: fast, no tsc program.
  // Declaration maps let "go to definition" land in the shipped src/ instead of dist/*.d.ts.
  dts: { sourcemap: true },
  sourcemap: true,
  // Consumers minify; readable output is easier to debug.
  minify: false,
  // Peer dependencies (react, react-dom, @tanstack/*, zustand, msw) are external by default, subpaths
  // included. Nothing from node_modules may be bundled: an empty list makes that an error.
  deps: { onlyBundle: [] },
  // The badge's stylesheet ships as is (`import 'react-avatar-keepalive/styles.css'`), with an empty
  // declaration that `exports` gives it as `types`, so the import type-checks under
  // `noUncheckedSideEffectImports` (on by default from TypeScript 6) without a `*.css` declaration.
  copy: [
    { from: 'src/styles.css', to: 'dist' },
    { from: 'src/styles.css.d.ts', to: 'dist' },
  ],
  outputOptions: {
    // dist/index.js holds the hooks and components, so it must start with 'use client' for React
    // Server Components. Rolldown keeps the directives of an entry module only; those of the bundled
    // React files are dropped, so the banner writes it, unless src/index.ts already starts with it
    // (rolldown keeps that one). core.js and testing.js stay directive-free (usable on a server).
    // Rolldown's own `banner`, not tsdown's: tsdown 0.21.8 calls a `banner` function only once and
    // reuses its result for every chunk.
    banner: (chunk) =>
      chunk.isEntry && chunk.name === 'index' && !startsWithUseClient(chunk.facadeModuleId)
        ? "'use client';"
        : '',
  },
})

export default config
