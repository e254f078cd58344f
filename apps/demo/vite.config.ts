import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig, type UserConfig } from 'vite'

// `@avatar-keepalive/source` makes `react-avatar-keepalive` resolve to its src/, so the demo runs
// (and hot-reloads) the package's source without building it first.
const config: UserConfig = defineConfig({
  plugins: [react()],
  resolve: {
    conditions: ['@avatar-keepalive/source', ...defaultClientConditions],
    // The package's source imports these from its own node_modules: one copy for the whole page.
    dedupe: ['react', 'react-dom', '@tanstack/react-query', 'zustand', 'msw'],
  },
  server: { port: 5173 },
  preview: { port: 4173 },
  // msw (the worker and the mock's handlers) is most of the bundle; fine for a demo.
  build: { chunkSizeWarningLimit: 1000 },
})

export default config
