// The engine's guarantees, stated once and checked after every step of random event sequences
// (server answers, clocks, visibility, network, freezes, consumers, options, pings, ends).
// CI runs a fixed seed and a bounded number of runs; `pnpm test:fuzz` soaks with a random seed.
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { createWorld, TOKENS, type Answer, type ConsumerSetup, type Step } from './guaranteesWorld'

const seed = Number(process.env.FUZZ_SEED ?? 20261129)
const numRuns = Number(process.env.FUZZ_RUNS ?? 500)

const retryAfter = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2592000',
      '86400',
      '99999999999999999999999999999999',
      'Fri, 31 Dec 9999 23:59:59 GMT',
      'Thu, 01 Jan 1970 00:00:00 GMT',
      'soon',
      '-1',
      '1.5',
      '',
    ),
  },
)

const answer: fc.Arbitrary<Answer> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('http' as const),
      status: fc.oneof(
        { weight: 3, arbitrary: fc.constant(200) },
        { weight: 3, arbitrary: fc.constantFrom(400, 401, 403, 404, 408, 410, 429, 500, 502, 503) },
        { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }) },
      ),
      body: fc.constantFrom('success', 'success', 'fail', 'empty', 'html', 'huge', 'echo'),
      retryAfter,
      delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 12_000 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('network' as const),
      delay: fc.integer({ min: 0, max: 3000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
)

const interval = fc.constantFrom(1000, 1500, 2000, 5000, 10_000)
const timing = interval.chain((ms) =>
  fc.record({
    interval: fc.constant(ms),
    timeout: fc.integer({ min: 1, max: ms - 1 }),
    baseUrl: fc.constantFrom('https://a.test/v1', 'https://a.test/v1/', '/api/avatar'),
    retry: fc.boolean(),
  }),
)
const token = fc.constantFrom(...TOKENS, TOKENS[0], TOKENS[0], TOKENS[1])
const setup: fc.Arbitrary<ConsumerSetup> = fc
  .tuple(timing, token, fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)))
  .map(([t, tok, enabled]) => ({ ...t, token: tok, enabled }))
const slot = fc.integer({ min: 0, max: 4 })

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 25_000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('script' as const),
      answers: fc.array(answer, { maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('mount' as const), i: slot, setup }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('unmount' as const), i: slot }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('enabled' as const), i: slot, enabled: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('flips' as const),
      i: slot,
      times: fc.integer({ min: 2, max: 30 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('token' as const), i: slot, token }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('options' as const), i: slot, setup: timing }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('online' as const), online: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('visible' as const), visible: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('freeze' as const),
      ms: fc.integer({ min: 0, max: 120_000 }),
      resume: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('clock' as const),
      ms: fc.integer({ min: -3_600_000_000, max: 3_600_000_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ping' as const), i: slot }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('end' as const), token }) },
)

const firstMount: fc.Arbitrary<Step> = setup.map((s) => ({
  type: 'mount',
  i: 0,
  setup: { ...s, token: TOKENS[0], enabled: true },
}))

test(
  `every guarantee holds after every step (seed ${seed}, ${numRuns} runs)`,
  async () => {
    await fc.assert(
      fc.asyncProperty(
        firstMount,
        // size 'max': fast-check's default ('small') stops an array at 10 more than its
        // minLength, so these sequences were never longer than 11 steps.
        fc.array(step, { minLength: 1, maxLength: 30, size: 'max' }),
        async (first, steps) => {
          if (process.env.FUZZ_TRACE) process.stderr.write('--- run\n')
          const world = await createWorld()
          try {
            await world.run(first)
            for (const s of steps) {
              if (process.env.FUZZ_TRACE)
                process.stderr.write(JSON.stringify(s).slice(0, 200) + '\n')
              await world.run(s)
              if (world.violations.length) break
            }
          } finally {
            await world.finish()
          }
          expect(world.violations).toEqual([])
        },
      ),
      { seed, numRuns, endOnFailure: process.env.FUZZ_SHRINK === '0' },
    )
  },
  // Room for a long soak on a loaded machine: 65 ms a run over 3,844 runs of a 5,000-run soak here
  // (2 cores), the heap flat once each world let go of everything it made.
  Math.max(60_000, numRuns * 200),
)
