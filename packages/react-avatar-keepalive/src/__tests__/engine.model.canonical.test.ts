// @vitest-environment node
// The model checker counts worlds by a hash of their canonical form (engineWorld.ts: times
// relative to now and cut off where no rule looks further, ends by their order) and expands each
// state once, from the first world it meets with that hash. Its search is exhaustive only if that
// form keeps all that decides what can happen next. Here, for every config, worlds that hash alike
// are stepped side by side (one met again beside the first; one beside a twin with a time past its
// cut-off moved further back): the same actions, the same guarantees broken, worlds that hash
// alike again. The form this replaced fails here in four configs: it left out the time within the second
// (a hidden page's timers fire on whole seconds) and the order of timers a long freeze left
// overdue, and split worlds alike (a lag kept to the millisecond, though only its difference with
// the last start counts; the ends a closed tab knew). With MODEL_DEEP=1 two more: a keep-alive's
// start on the wall's clock (the snapshot's lastAttemptAt once answered), and what a message
// waiting for a tab says (the tab takes its snapshot as its own).
import { expect, test } from 'vitest'
import { CONFIGS, type Config } from './engineWorld'
import { checkMerges } from './modelChecker'

const runs: { config: Config; depth: number }[] = [
  { config: CONFIGS.schedule, depth: 6 },
  { config: CONFIGS.tokens, depth: 6 },
  { config: CONFIGS.letGo, depth: 6 },
  { config: CONFIGS.full, depth: 5 },
  { config: CONFIGS.tabs, depth: 5 },
  { config: CONFIGS.tabsFull, depth: 4 },
  { config: CONFIGS.mixed, depth: 5 },
  { config: CONFIGS.three, depth: 5 },
  { config: CONFIGS.alone, depth: 5 },
  { config: CONFIGS.bfcache, depth: 5 },
  { config: CONFIGS.moving, depth: 5 },
  { config: CONFIGS.napping, depth: 5 },
]

// With MODEL_DEEP=1 (npx pnpm test:fuzz), a level deeper and ten times the worlds.
const deep = process.env.MODEL_DEEP === '1'
const n = (value: number) => value.toLocaleString('en-US')

test.each(runs)(
  '$config.name: worlds that hash alike behave alike',
  (run) => {
    const { config } = run
    const depth = run.depth + (deep ? 1 : 0)
    const result = checkMerges(config, depth, deep ? 15_000 : 1_500)
    process.stdout.write(
      `canonical: ${config.name}: depth ${depth}, ${n(result.states)} states, ` +
        `${n(result.compared)} worlds stepped beside the first with their hash, ` +
        `${n(result.twins)} beside a twin with a time past its cut-off moved further\n`,
    )
    expect(result.compared).toBeGreaterThan(100)
    expect(result.twins).toBeGreaterThan(100)
    expect(result.parted.slice(0, 3)).toEqual([])
  },
  900_000,
)
