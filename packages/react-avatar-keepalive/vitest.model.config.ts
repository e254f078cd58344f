import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

/** The engine's bounded model checker: one file for one tab, one for tabs of one browser. */
export const MODEL_FILES = [
  'src/__tests__/engine.model.test.ts',
  'src/__tests__/engine.model.tabs.test.ts',
]

// Its own group, after every other test file, with a worker per file: on CI's 2 cores the two
// files run side by side and nothing else shares those cores, so the time CI prints for the group
// is the checker's own (its files' sum, 48-82 s, ran among the other files, one at a time).
const config: UserWorkspaceConfig = defineProject({
  test: {
    name: 'react-avatar-keepalive (model checker)',
    environment: 'node',
    include: MODEL_FILES,
    maxWorkers: MODEL_FILES.length,
    sequence: { groupOrder: 1 },
  },
})

export default config
