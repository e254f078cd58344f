// The cross-tab lock adapter (core/leader.ts) on its own, against the spec's lock manager
// (fakeLocks.ts) whose answers to query() come late by any amount (a busy page reads each after
// its next task or two): tabs ask for the lock, steal it, ask who holds it, let go of it `after`
// ms, go into WebKit's back/forward cache (letting go at once; the browser drops their lock and
// place in line, and tells them at Back) or close, in any order and at any time. Stated once:
// - a tab is told it leads only while it holds the lock, and never once it let go;
// - a tab that let go holds nothing and waits in no line from `after` ms on;
// - while some tab wants the lock and nobody holds it, someone is given it (nothing is leaked).
// Seeded and bounded in CI; `npx pnpm test:fuzz` runs longer.
import fc from 'fast-check'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { EngineEvent } from '../core/engine/events'
import { lead, type Leadership } from '../core/leader'
import { createFakeLockManager } from './fakeLocks'
import { FAKE_TIMERS } from './keepAliveTestUtils'

const seed = Number(process.env.FUZZ_SEED ?? 20261205)
const numRuns = Number(process.env.FUZZ_RUNS ?? 500) * 2
const NAME = 'react-avatar-keepalive https://a.test/v1/avatar-session/s/keep-alive'

type Step =
  | { type: 'open' }
  | { type: 'unlock'; tab: number; after: number }
  | { type: 'steal' | 'confirm' | 'countPeers' | 'cache' | 'back' | 'close'; tab: number }
  | { type: 'freeze'; tab: number }
  | { type: 'thaw'; tab: number; asks: boolean }
  | { type: 'advance'; ms: number }

const tab = fc.integer({ min: 0, max: 3 })
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ type: 'open' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('unlock' as const),
      tab,
      after: fc.constantFrom(0, 0, 1, 400, 1_000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom('steal' as const, 'confirm' as const, 'countPeers' as const),
      tab,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom('cache' as const, 'back' as const, 'close' as const),
      tab,
    }),
  },
  // A page frozen (or busy) reads nothing; thawed, its overdue timer may ask the lock manager
  // before it reads what it was told meanwhile (robbed, given the lock again).
  { weight: 1, arbitrary: fc.record({ type: fc.constant('freeze' as const), tab }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('thaw' as const), tab, asks: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      ms: fc.constantFrom(0, 1, 300, 700, 2_000),
    }),
  },
)
/** How late each answer to query() comes, in turn (then at once). */
const lateness = fc.array(fc.constantFrom(0, 0, 1, 250, 600, 1_200), { maxLength: 30 })

/** A channel that carries nothing: what tabs say is not under test here. */
class SilentChannel {
  onmessage: ((event: MessageEvent) => void) | null = null
  postMessage(): void {}
  close(): void {}
}

interface Tab {
  id: string
  leadership: Leadership
  events: EngineEvent['type'][]
  /** When it let go, and after how long its lock goes; null while it wants the lock. */
  letGo: { at: number; after: number } | null
  closed: boolean
  /** Frozen: it runs nothing, and the answers it is given wait here. */
  frozen: (() => void)[] | null
  /**
   * Per question to the lock manager: whether the tab led with the lock then, and how many events
   * it had been told so far.
   */
  asked: Map<number, { held: boolean; heard: number }>
}

async function run(steps: Step[], late: number[]): Promise<string[]> {
  const violations: string[] = []
  const fail = (message: string) => void violations.push(`${message} (at ${Date.now() - t0} ms)`)
  const t0 = Date.now()
  const locks = createFakeLockManager()
  const tabs: Tab[] = []
  const holds = (id: string) => locks.state().held.includes(`${id}:${NAME}`)
  let questions = 0
  const inLine = (id: string) => locks.state().pending.includes(`${id}:${NAME}`)
  const open = (): void => {
    const id = `c${tabs.length}`
    const own = locks.tab(id)
    const t: Omit<Tab, 'leadership'> = {
      id,
      events: [],
      letGo: null,
      closed: false,
      frozen: null,
      asked: new Map(),
    }
    const dispatch = (event: EngineEvent): void => {
      // (A closed tab runs nothing.)
      if (t.closed) return
      t.events.push(event.type)
      // Asked while it led with the lock, not told since that it lost it, and still wanting it:
      // the lock manager's answer (which tells what it held then) says it is still this tab's.
      const question = event.type === 'confirmed' && t.asked.get(event.id)
      const robbed = question && t.events.lastIndexOf('lostLead') >= question.heard
      if (question && question.held && !robbed && !t.letGo && !event.held) {
        fail(`${id} told it lost the lock it held when it asked`)
      }
      if (event.type !== 'lead') return
      if (t.letGo) fail(`${id} told it leads after it let go`)
      else if (!holds(id)) fail(`${id} told it leads without the lock`)
    }
    const coordination = {
      locks: {
        request: own.request.bind(own),
        query: () =>
          new Promise<LockManagerSnapshot>((resolve) => {
            const answer = own.query()
            setTimeout(() => {
              if (t.frozen) t.frozen.push(() => resolve(answer))
              else resolve(answer)
            }, late.shift() ?? 0)
          }),
      } as unknown as LockManager,
      BroadcastChannel: SilentChannel as unknown as typeof BroadcastChannel,
    }
    tabs.push(Object.assign(t, { leadership: lead(coordination, NAME, dispatch) }))
  }
  const check = (): void => {
    const now = Date.now()
    for (const t of tabs) {
      if (t.closed || !t.letGo || now < t.letGo.at + t.letGo.after) continue
      if (holds(t.id)) fail(`${t.id} still holds the lock ${now - t.letGo.at} ms after it let go`)
      if (inLine(t.id)) fail(`${t.id} still waits in line after it let go`)
    }
  }
  const live = (i: number): Tab | undefined => {
    const t = tabs[i]
    return t && !t.closed && !t.letGo && !t.frozen ? t : undefined
  }
  const confirm = (t: Tab): void => {
    // As the engine does, a tab asks once it is told it leads, and until it is told it lost the
    // lock (asked before, it may not know who it is yet).
    if (t.events.lastIndexOf('lead') <= t.events.lastIndexOf('lostLead')) return
    t.asked.set(++questions, { held: holds(t.id), heard: t.events.length })
    t.leadership.confirm({ id: questions })
  }
  const advance = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms)
    check()
  }

  open()
  for (const s of steps) {
    switch (s.type) {
      case 'open':
        if (tabs.length < 6) open()
        break
      case 'unlock': {
        const t = live(s.tab)
        if (!t) break
        t.letGo = { at: Date.now(), after: s.after }
        t.leadership.unlock({ after: s.after })
        break
      }
      case 'steal':
        live(s.tab)?.leadership.steal()
        break
      case 'confirm': {
        const t = live(s.tab)
        if (t) confirm(t)
        break
      }
      case 'freeze': {
        const t = live(s.tab)
        if (!t) break
        t.frozen = []
        locks.freeze(t.id)
        break
      }
      case 'thaw': {
        // Its overdue timer first (the engine asks the lock manager before a keep-alive), then
        // the lock's news, then the answers it was given. (Read before the news, the answer to
        // the question its grant asked, "who am I", tells a tab robbed meanwhile that it leads:
        // the engine asks again before it sends, and hears it was robbed first.)
        const t = tabs[s.tab]
        if (!t?.frozen || t.closed) break
        const answers = t.frozen
        t.frozen = null
        if (s.asks && !t.letGo) confirm(t)
        locks.thaw(t.id)
        await advance(0)
        answers.forEach((deliver) => deliver())
        break
      }
      case 'countPeers':
        live(s.tab)?.leadership.countPeers()
        break
      case 'cache': {
        // As the keeper does on pagehide: the engine lets go at once; then the page is frozen.
        const t = live(s.tab)
        if (!t) break
        t.letGo = { at: Date.now(), after: 0 }
        t.leadership.unlock({ after: 0 })
        locks.cache(t.id)
        break
      }
      case 'back': {
        const t = tabs[s.tab]
        if (t && !t.closed) locks.thaw(t.id)
        break
      }
      case 'close': {
        const t = tabs[s.tab]
        if (!t || t.closed) break
        t.closed = true
        locks.close(t.id)
        break
      }
      case 'advance':
        await advance(s.ms)
        break
    }
    await advance(0)
  }
  // Every page thawed, every answer in, every let-go due: the lock is someone's while some tab
  // wants it.
  for (const t of tabs) {
    t.frozen?.forEach((deliver) => deliver())
    t.frozen = null
    locks.thaw(t.id)
  }
  await advance(5_000)
  const wanting = tabs.filter((t) => !t.closed && !t.letGo)
  const holder = tabs.find((t) => holds(t.id))
  if (wanting.length && !holder) fail(`nobody holds the lock, ${wanting.length} tab(s) want it`)
  if (holder && !wanting.includes(holder)) fail(`${holder.id} holds the lock, and wants it no more`)
  return violations
}

// Every counterexample the property found, as a plain example.
const EXAMPLES: [string, Step[], number[]][] = [
  [
    // The adapter before 4a70cac: a tab given the lock (once its request is answered, below)
    // asks who it is before it leads; one that let go meanwhile (here into the cache, the answer 600 ms late) was told it leads all the
    // same, and held the lock for as long as the page lived.
    'a tab that lets go while it asks who it is is not told it leads, and holds nothing',
    [
      { type: 'advance', ms: 0 },
      { type: 'cache', tab: 0 },
    ],
    [600],
  ],
  [
    // 4a70cac: it was not told, but the lock went only once the answer came (a page in the
    // back/forward cache reads it after Back: it kept the lock in the cache).
    'a tab that lets go while it asks who it is lets go of the lock at once, not once it is answered',
    [
      { type: 'advance', ms: 0 },
      { type: 'unlock', tab: 0, after: 0 },
    ],
    [1],
  ],
  [
    // Found by the cross-tab property once one of its tabs could read its lock answers 1.6 s late
    // (seed 12): a leader frozen (busy) as another tab stole the lock asked the lock manager as it
    // thawed, before it read the news; robbed, it got in line again and was given the lock when the
    // thief let go, and then read that old answer ("not yours", from before) as news of the lock it
    // now held. Told at its next question that it did not hold the lock it held, the tab followed
    // itself: it sent nothing for 8 s, then stole from itself. An answer to a question asked before
    // this grant no longer counts.
    'an answer to a question asked before the tab was given the lock again says nothing of it',
    [
      { type: 'advance', ms: 0 },
      { type: 'open' },
      { type: 'freeze', tab: 0 },
      { type: 'steal', tab: 1 },
      { type: 'thaw', tab: 0, asks: true },
      { type: 'unlock', tab: 1, after: 0 },
      { type: 'confirm', tab: 0 },
      { type: 'advance', ms: 800 },
    ],
    [0, 0, 600, 0, 700],
  ],
]

test.each(EXAMPLES)('%s', async (_, steps, late) => {
  expect(await run(steps, [...late])).toEqual([])
})

beforeEach(() => {
  vi.useFakeTimers(FAKE_TIMERS)
})
afterEach(() => {
  vi.useRealTimers()
})

test(
  `the lock adapter lets go of what it let go, and leads only with the lock (seed ${seed}, ${numRuns} runs)`,
  async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25, size: 'max' }),
        lateness,
        async (steps, late) => {
          expect(await run(steps, [...late])).toEqual([])
        },
      ),
      { seed, numRuns, endOnFailure: process.env.FUZZ_SHRINK === '0' },
    )
  },
  Math.max(60_000, numRuns * 20),
)
