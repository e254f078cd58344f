// The single list of test projects; vitest.config.ts passes it to `test.projects`.
export default [
  'packages/*/vitest.config.ts',
  // The same package tests against the lowest peers allowed: React 18, zustand 4.
  'packages/*/compat/*/vitest.config.ts',
  'apps/*/vitest.config.ts',
]
