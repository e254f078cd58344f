// The single list of test projects; vitest.config.ts passes it to `test.projects`.
export default ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts']
