// Random walks on the pure engine: long sequences of any event of engineWorld's alphabet, with
// time steps of any length in between, every guarantee checked after each step. Where the model
// checker (engine.model*.test.ts) goes everywhere to a depth, these go far: hundreds of steps.
// Seeded and bounded in CI; npx pnpm test:fuzz runs them longer with a random seed.
import { writeFileSync } from 'node:fs'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import {
  actions,
  apply,
  CONFIGS,
  createWorld,
  DAYS_40,
  I,
  type Action,
  type Config,
} from './engineWorld'

const seed = Number(process.env.FUZZ_SEED ?? 20261202)
const numRuns = Number(process.env.FUZZ_ENGINE_RUNS ?? 2000)
const maxSteps = Number(process.env.FUZZ_ENGINE_STEPS ?? 200)

/** A choice among what can happen next, or time passing (with timers, or frozen). */
type Move = { pick: number } | { advance: number } | { sleep: number }

const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ advance: fc.integer({ min: 0, max: 4 * I }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      sleep: fc.oneof(fc.integer({ min: 0, max: 6 * I }), fc.constant(DAYS_40)),
    }),
  },
)

function walk(
  config: Config,
  moves: Move[],
): { violations: string[]; path: Action[]; steps: number } {
  let world = createWorld(config.tabs)
  const path: Action[] = []
  let steps = 0
  for (const m of moves) {
    let action: Action
    if ('pick' in m) {
      const possible = actions(world, config)
      action = possible[m.pick % possible.length]!
    } else if ('advance' in m) action = { type: 'advance', ms: m.advance }
    else if (config.tabs === 1) action = { type: 'sleep', ms: m.sleep }
    else {
      // Two tabs: one of them freezes for that long, or none.
      action = { type: 'advance', ms: m.sleep % (4 * I) }
    }
    path.push(action)
    const out = apply(world, action)
    steps += out.steps
    world = out.world
    if (out.violations.length) return { violations: out.violations, path, steps }
  }
  return { violations: [], path, steps }
}

test.each([CONFIGS.full, CONFIGS.tabsFull])(
  `$name: every guarantee holds on random walks (seed ${seed}, ${numRuns} runs of up to ${maxSteps} moves)`,
  (config) => {
    let steps = 0
    const started = performance.now()
    fc.assert(
      fc.property(
        fc.array(move, { minLength: maxSteps / 2, maxLength: maxSteps, size: 'max' }),
        (moves) => {
          const result = walk(config, moves)
          steps += result.steps
          if (result.violations.length) {
            // The whole path (FUZZ_PATH_FILE keeps it) replays with replay() in modelChecker.ts.
            if (process.env.FUZZ_PATH_FILE) {
              writeFileSync(process.env.FUZZ_PATH_FILE, JSON.stringify(result.path))
            }
            const tail = result.path.slice(-12)
            expect.fail(`${result.violations.join('; ')} after …${JSON.stringify(tail)}`)
          }
        },
      ),
      { seed, numRuns },
    )
    const seconds = (performance.now() - started) / 1000
    process.stdout.write(
      `random walks: ${config.name}: ${steps.toLocaleString('en-US')} engine steps in ` +
        `${seconds.toFixed(1)} s, ${Math.round(steps / seconds).toLocaleString('en-US')} steps/s\n`,
    )
  },
  Math.max(60_000, numRuns * maxSteps * 2),
)
