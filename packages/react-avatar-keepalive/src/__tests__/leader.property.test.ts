// The cross-tab lock adapter (core/leader.ts) on its own, against the spec's lock manager
// (fakeLocks.ts) whose answers to query() come late by any amount (a busy page reads each after
// its next task or two): tabs ask for the lock, steal it, ask who holds it, let go of it `after`
// ms, go into WebKit's back/forward cache (letting go at once; the browser drops their lock and
// place in line, and tells them at Back), have their lock or place in line dropped without a
// pagehide (a worker's, whose page went into that cache) or close, in any order and at any time,
// beside another session's lock, held and wanted. Stated once:
// - a tab is told it leads only while it holds the lock, and never once it let go;
// - the lock manager's answer, as the tab is told it: whether the tab held the lock, whether
//   another tab was in line, how many were (this lock's line, not another session's);
// - a tab that let go holds nothing and waits in no line from `after` ms on, and a tab that lost
//   the lock is told;
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
  | { type: 'steal' | 'confirm' | 'countPeers' | 'cache' | 'drop' | 'close'; tab: number }
  | { type: 'back'; tab: number; letsGo: boolean }
  | { type: 'freeze'; tab: number }
  | { type: 'thaw'; tab: number; asks: boolean; answerFirst: boolean }
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
      type: fc.constantFrom('cache' as const, 'drop' as const, 'close' as const),
      tab,
    }),
  },
  // Back: a tab whose place in line was dropped may let go as soon as it hears why (before it
  // takes its place again, from a task of its own).
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('back' as const), tab, letsGo: fc.boolean() }),
  },
  // A page frozen (or busy) reads nothing; thawed, its overdue timer may ask the lock manager
  // before it reads what it was told meanwhile (robbed, given the lock again), and may read that
  // answer before the news (they come on two lines of the browser's, in no set order).
  { weight: 1, arbitrary: fc.record({ type: fc.constant('freeze' as const), tab }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('thaw' as const),
      tab,
      asks: fc.boolean(),
      answerFirst: fc.boolean(),
    }),
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
   * Per question to the lock manager: whether the tab led with the lock then, whether no tab was
   * in line for it, and how many events it had been told so far.
   */
  asked: Map<number, { held: boolean; alone: boolean; heard: number }>
  /** The tabs in line at each count not answered yet. */
  counted: number[]
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
  const waiting = () => locks.state().pending.filter((p) => p.endsWith(`:${NAME}`)).length
  // Another session's lock, held and wanted, in every answer of the lock manager's.
  const other = locks.tab('other')
  for (let i = 0; i < 2; i++) void other.request(`${NAME}-2`, () => new Promise(() => {}))
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
      counted: [],
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
      // Not held when asked: not held, unless the tab was given the lock again since (the answer
      // says nothing of that grant; example 3).
      if (question && !question.held && event.held && !holds(id)) {
        fail(`${id} told it holds the lock it did not hold when it asked`)
      }
      if (question && event.alone !== question.alone) {
        fail(`${id} told ${event.alone ? 'nobody' : 'another tab'} was in line, wrongly`)
      }
      if (event.type === 'peers') {
        const at = t.counted.indexOf(event.count)
        if (at < 0) fail(`${id} told ${event.count} tabs were in line (${t.counted.join(', ')})`)
        else t.counted.splice(at, 1)
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
    t.asked.set(++questions, { held: holds(t.id), alone: !waiting(), heard: t.events.length })
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
        if (s.answerFirst) await advance(0)
        locks.thaw(t.id)
        await advance(0)
        answers.forEach((deliver) => deliver())
        break
      }
      case 'countPeers': {
        const t = live(s.tab)
        if (!t) break
        // Not its own place in line once it knows who it is (told it leads): another copy of the
        // package in its page goes away with it.
        t.counted.push(waiting() - (t.events.includes('lead') && inLine(t.id) ? 1 : 0))
        t.leadership.countPeers()
        break
      }
      case 'cache': {
        // As the keeper does on pagehide: the engine lets go at once; then the page is frozen.
        const t = live(s.tab)
        if (!t) break
        t.letGo = { at: Date.now(), after: 0 }
        t.leadership.unlock({ after: 0 })
        locks.cache(t.id)
        break
      }
      // A worker's page goes into WebKit's back/forward cache: the worker hears no pagehide (it
      // does not let go) and runs nothing; its lock and place in line are dropped at once.
      case 'drop': {
        const t = live(s.tab)
        if (!t) break
        t.frozen = []
        locks.cache(t.id)
        break
      }
      case 'back': {
        const t = tabs[s.tab]
        if (!t || t.closed) break
        const answers = t.frozen ?? []
        t.frozen = null
        locks.thaw(t.id)
        // It reads why (the rejection's handlers) and may let go at once, before it takes its
        // place again from a task of its own; then it reads the answers it was given.
        for (let i = 0; i < 5; i++) await Promise.resolve()
        if (s.letsGo && live(s.tab)) {
          t.letGo = { at: Date.now(), after: 0 }
          t.leadership.unlock({ after: 0 })
        }
        await advance(0)
        answers.forEach((deliver) => deliver())
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
  // Every tab that lost the lock was told.
  for (const t of wanting) {
    if (t.events.lastIndexOf('lead') > t.events.lastIndexOf('lostLead') && !holds(t.id)) {
      fail(`${t.id} lost the lock, and was not told`)
    }
  }
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
      { type: 'thaw', tab: 0, asks: true, answerFirst: false },
      { type: 'unlock', tab: 1, after: 0 },
      { type: 'confirm', tab: 0 },
      { type: 'advance', ms: 800 },
    ],
    [0, 0, 600, 0, 700],
  ],
  [
    // Found by this property once a thawed tab could read the lock manager's answer before the news
    // of the steal (they come on two lines of the browser's) and it stated that a tab that lost the
    // lock is told (seed 1, FUZZ_RUNS=2500). The answer ("the lock is another's") cleared the adapter's
    // belief that it led, so the news that came after it said nothing: the engine, told only by
    // that answer (which it ignores when it answers a keep-alive given up since), still led. The
    // answer no longer changes the adapter's belief; the news tells the tab.
    'a robbed tab that reads the answer before the news of the steal is told it lost the lock',
    [
      { type: 'advance', ms: 0 },
      { type: 'freeze', tab: 0 },
      { type: 'open' },
      { type: 'steal', tab: 1 },
      { type: 'thaw', tab: 0, asks: true, answerFirst: true },
    ],
    [],
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
