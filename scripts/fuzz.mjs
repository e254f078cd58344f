// Long soak of the keep-alive engine's and the request's property suites: a random seed (or FUZZ_SEED) and 5000 runs
// (or the first argument, or FUZZ_RUNS); the pure engine's random walks get ten times as many.
// Usage: npx pnpm test:fuzz [runs]. MODEL_DEEP=1 also runs the model checker a level deeper.
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const integer = (name, value) => {
  if (!/^\d+$/.test(value)) {
    console.error(`${name} must be a whole number, got ${JSON.stringify(value)}`)
    process.exit(2)
  }
  return Number(value)
}

const seed = integer('FUZZ_SEED', process.env.FUZZ_SEED ?? String(randomInt(2 ** 31)))
const runs = integer('runs', process.argv[2] ?? process.env.FUZZ_RUNS ?? '5000')
console.log(`seed ${seed}, runs ${runs}`)

const vitest = spawn(
  'npx',
  [
    'vitest',
    'run',
    '--project',
    'react-avatar-keepalive',
    'src/__tests__/guarantees.property.test.tsx',
    'src/__tests__/request.property.test.ts',
    'src/__tests__/engine.property.test.ts',
    'src/__tests__/engine.property.interval.test.ts',
    'src/__tests__/engine.property.firefox.test.ts',
    'src/__tests__/tabMessage.property.test.ts',
    'src/__tests__/leader.property.test.ts',
    // The model checker's project, and its files (engine.model.test.ts, engine.model.tabs.test.ts);
    // the filter also takes the test of its canonical form (engine.model.canonical.test.ts).
    ...(process.env.MODEL_DEEP === '1'
      ? ['--project', 'react-avatar-keepalive (model checker)', 'src/__tests__/engine.model']
      : []),
  ],
  {
    // The root: the model checker is a project of its own in the workspace (vitest.workspace.ts).
    cwd: fileURLToPath(new URL('../', import.meta.url)),
    env: {
      ...process.env,
      FUZZ_SEED: String(seed),
      FUZZ_RUNS: String(runs),
      FUZZ_ENGINE_RUNS: String(runs * 10),
    },
    stdio: 'inherit',
  },
)
vitest.on('close', (code, signal) => {
  const status = code ?? (signal ? 1 : 0)
  if (status !== 0) console.log(`\nReplay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npx pnpm test:fuzz`)
  process.exit(status)
})
