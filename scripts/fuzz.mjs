// Long soak of the keep-alive engine's and the request's property suites: a random seed (or FUZZ_SEED) and 5000 runs
// (or the first argument, or FUZZ_RUNS). Usage: npx pnpm test:fuzz [runs]
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
  ],
  {
    cwd: fileURLToPath(new URL('../packages/react-avatar-keepalive/', import.meta.url)),
    env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_RUNS: String(runs) },
    stdio: 'inherit',
  },
)
vitest.on('close', (code, signal) => {
  const status = code ?? (signal ? 1 : 0)
  if (status !== 0) console.log(`\nReplay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npx pnpm test:fuzz`)
  process.exit(status)
})
