import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.ts'

// vitest 4 ignores vitest.workspace.ts on its own, silently: this import makes it the one project list.
export default defineConfig({
  test: { projects },
})
