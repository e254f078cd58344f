import { expect, test } from 'vitest'
import {
  actions,
  apply,
  CONFIGS,
  createWorld,
  I,
  type Action,
} from '../../packages/react-avatar-keepalive/src/__tests__/engineWorld'
import {
  createWorld as createReactWorld,
  TOKENS,
  type Step,
} from '../../packages/react-avatar-keepalive/src/__tests__/guaranteesWorld'
import { mulberry32 } from '../../packages/react-avatar-keepalive/src/testing/mulberry32'
import { formatNumber, writeResults, type BenchResult } from '../harness'

// Row 13: how fast the guarantees can be checked. Random walks on the pure engine (the world of
// engine.property.test.ts: one tab, every kind of event) against walks through React (the world of
// guarantees.property.test.tsx: the hook rendered, act, fake timers, a stub fetch), each step checked
// against the guarantees in both. A step through React was the only way before the engine was a
// pure function.
const SECONDS = 4
const seed = 20261202

function pureWalks(): { actions: number; steps: number; seconds: number } {
  const config = CONFIGS.full
  const random = mulberry32(seed)
  let actionsDone = 0
  let steps = 0
  const start = performance.now()
  while (performance.now() - start < SECONDS * 1000) {
    let world = createWorld(1)
    for (let i = 0; i < 200; i++) {
      const possible = actions(world, config)
      const action: Action =
        random() < 0.2
          ? { type: 'advance', ms: Math.floor(random() * 4 * I) }
          : possible[Math.floor(random() * possible.length)]!
      const out = apply(world, action)
      expect(out.violations).toEqual([])
      world = out.world
      steps += out.steps
      actionsDone++
    }
  }
  return { actions: actionsDone, steps, seconds: (performance.now() - start) / 1000 }
}

async function reactWalks(): Promise<{ steps: number; seconds: number }> {
  const setup = {
    token: TOKENS[0],
    enabled: true,
    interval: 2_000,
    timeout: 1_000,
    baseUrl: 'https://a.test/v1',
    retry: true,
  }
  const random = mulberry32(seed)
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const step = (): Step =>
    pick<() => Step>([
      () => ({ type: 'advance', ms: Math.floor(random() * 8_000) }),
      () => ({ type: 'online', online: random() < 0.7 }),
      () => ({ type: 'visible', visible: random() < 0.7 }),
      () => ({ type: 'ping', i: 0 }),
      () => ({ type: 'token', i: 0, token: pick(TOKENS) }),
    ])()
  let steps = 0
  const start = performance.now()
  while (performance.now() - start < SECONDS * 1000) {
    const world = await createReactWorld()
    const walk = Array.from({ length: 20 }, step)
    try {
      await world.run({ type: 'mount', i: 0, setup })
      for (const s of walk) await world.run(s)
    } finally {
      await world.finish()
    }
    expect(world.violations).toEqual([])
    steps += walk.length + 1
  }
  return { steps, seconds: (performance.now() - start) / 1000 }
}

test('13: random-walk steps per second, the pure engine against through React', async () => {
  const react = await reactWalks()
  const pure = pureWalks()
  const reactRate = react.steps / react.seconds
  const pureRate = pure.actions / pure.seconds
  const results: BenchResult[] = [
    {
      id: '13',
      measure:
        'Random-walk steps per second, every step checked against the guarantees (one core, Node): through React (the hook, act, fake timers, a stub fetch) against the pure engine (engineWorld: one tab, every kind of event)',
      values: {
        ours: `${formatNumber(pureRate)}/s pure (${formatNumber(pure.steps / pure.seconds)} engine steps/s); ${formatNumber(reactRate)}/s through React`,
      },
      goal: '—',
      met: '—',
      note: `${formatNumber(pureRate / reactRate)}× more steps a second on the pure engine: ${formatNumber(pure.actions)} walk steps in ${formatNumber(pure.seconds, 1)} s against ${formatNumber(react.steps)} in ${formatNumber(react.seconds, 1)} s.`,
    },
  ]
  writeResults('engine-checks', results)
}, 120_000)
