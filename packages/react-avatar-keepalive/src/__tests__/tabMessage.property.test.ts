// What arrives on a session's channel comes from any script of the origin, or from another
// version of the package in another tab. Stated once for anything at all: read by
// readTabMessage and stepped by a following tab, it never stalls the follower (its deadline stays
// a number, and it takes over from a leader silent for 1.5 intervals) and never puts into the
// store what a snapshot does not hold. Seeded and bounded in CI; npx pnpm test:fuzz runs longer.
import fc from 'fast-check'
import { expect, test } from 'vitest'
import type { EngineEffect } from '../core/engine/events'
import { readTabMessage } from '../core/engine/leadership'
import { initialState, type EngineState } from '../core/engine/state'
import { nextDeadline, step } from '../core/engine/step'
import { resolveKeepAliveOptions } from '../core/schedule'
import { AVATAR_SESSION_STATUSES } from '../core/status'
import { IDLE_SNAPSHOT } from '../core/store'
import { ALL_KINDS } from './errorKinds'

const seed = Number(process.env.FUZZ_SEED ?? 20261202)
const numRuns = Number(process.env.FUZZ_RUNS ?? 500) * 4
const I = 10_000
const WALL = Date.UTC(2026, 11, 2)

/** A tab that keeps the session and follows a leader that has just spoken. */
function follower(): EngineState {
  const options = resolveKeepAliveOptions({ interval: I })
  let s = initialState(0, WALL, IDLE_SNAPSHOT, true)
  ;[s] = step(s, { type: 'consumers', consumers: [{ token: 'tok', rank: 1, options }] }, 0, WALL)
  expect(s.role).toBe('follow')
  return s
}

const alive = {
  status: 'alive',
  isAlive: true,
  lastAliveAt: WALL,
  lastAttemptAt: WALL,
  consecutiveFailures: 0,
  error: null,
  endReason: null,
  missed: null,
  endsAt: null,
}

// Anything; and, more often, what a message looks like with any field (of the message or of its
// snapshot) replaced by anything, dropped, or joined by one this version does not know.
const nearly = (shape: Record<string, unknown>) =>
  fc
    .record(
      Object.fromEntries(
        Object.entries(shape).map(([key, value]) => [
          key,
          fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, fc.anything()),
        ]),
      ),
      { requiredKeys: [] },
    )
    .chain((record) =>
      fc.oneof(
        fc.constant(record),
        fc.record({ extra: fc.anything() }).map((extra) => ({ ...record, ...extra })),
      ),
    )
const data = fc.oneof(
  fc.anything({ withNullPrototype: true, withMap: true, withSet: true }),
  nearly({ leader: true, hello: true, seen: true, active: true, led: WALL }).chain((message) =>
    nearly(alive).map((snapshot) => ({ ...message, snapshot })),
  ),
)

const SNAPSHOT_KEYS = Object.keys(IDLE_SNAPSHOT).sort()

test(
  `anything on the channel: a follower never stalls, and shows only snapshots (seed ${seed}, ${numRuns} runs)`,
  () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(data, fc.integer({ min: 0, max: 2 * I })), { maxLength: 5 }),
        (arrivals) => {
          let s = follower()
          let now = 0
          for (const [arrived, after] of arrivals) {
            now += after
            const message = readTabMessage(arrived)
            if (message) [s] = step(s, { type: 'message', message }, now, WALL + now)
            const deadline = nextDeadline(s)
            expect(deadline === null || Number.isFinite(deadline)).toBe(true)
            expect(Object.keys(s.snap).sort()).toEqual(SNAPSHOT_KEYS)
            expect(AVATAR_SESSION_STATUSES).toContain(s.snap.status)
          }
          if (s.role !== 'follow' || !s.running) return
          // Then silence: the follower's timer fires for its last call (unless a message made it),
          // and again a moment later, within 1.5 intervals of the last word: it takes over.
          let effects: EngineEffect[] = []
          for (let call = 0; call < 2 && !effects.some((e) => e.type === 'steal'); call++) {
            const at = nextDeadline(s)!
            expect(at).toBeLessThanOrEqual(now + 1.5 * I)
            ;[s, effects] = step(s, { type: 'timer' }, at, WALL + at)
          }
          expect(effects.map((effect) => effect.type)).toContain('steal')
        },
      ),
      { seed, numRuns },
    )
    // Room for a long soak (npx pnpm test:fuzz): about 1 ms a run.
  },
  Math.max(60_000, numRuns * 20),
)

// Mutation testing (2026-12-06): a flag of another type read as a flag passed every test (the
// property above asks only that nothing stalls). A string 'false' is truthy: read as `leader`, it
// would make any script's message the leader's word.
test('flags that are not booleans are left out of a message', () => {
  expect(readTabMessage({ leader: 'false', hello: 1, seen: 'yes', active: {}, led: WALL })).toEqual(
    { led: WALL },
  )
  expect(readTabMessage({ leader: true, snapshot: { ...alive, isAlive: 'true' } })).toEqual({
    leader: true,
  })
})

// Mutation testing (2026-12-06): 'missed' dropped from the end reasons a tab accepts passed every
// test; another tab would then have dropped the end of a session that missed its keep-alives. The
// values are written out here, not taken from the package's lists, which are what is under test:
// they are the wire format between tabs, and between versions of the package.
test('every snapshot a tab sends is read whole by the others', () => {
  const statuses = ['idle', 'connecting', 'alive', 'degraded', 'offline', 'stopped']
  const ends = ['server', 'not-found', 'ended', 'page-hide', 'hidden-timeout', 'idle-timeout']
  const snapshots = [
    ...statuses.map((status) => ({ ...alive, status })),
    ...ALL_KINDS.map((kind) => ({
      ...alive,
      status: 'degraded',
      error: { kind, httpStatus: 500, retryAfter: null },
    })),
    ...ends.map((endReason) => ({ ...alive, status: 'expired', isAlive: false, endReason })),
    ...['hidden', 'frozen', 'offline'].map((cause) => ({
      ...alive,
      status: 'expired',
      isAlive: false,
      endReason: 'missed',
      missed: { cause, silentFor: 12_000 },
    })),
    { ...alive, status: 'not-found', endReason: 'not-found' },
    { ...alive, status: 'unauthorized' },
    { ...alive, status: 'error' },
  ]
  for (const snapshot of snapshots) {
    expect(readTabMessage({ leader: true, snapshot })).toEqual({ leader: true, snapshot })
  }
})
