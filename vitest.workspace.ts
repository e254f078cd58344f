// The single list of test projects; vitest.config.ts passes it to `test.projects`.
export default [
  'packages/*/vitest.config.ts',
  // The engine's model checker: its own group, after the rest, one worker per file.
  'packages/*/vitest.model.config.ts',
  // The same package tests against the lowest peers allowed: React 18, zustand 4, TanStack Query 5.0.
  'packages/*/compat/*/vitest.config.ts',
  'apps/*/vitest.config.ts',
]
