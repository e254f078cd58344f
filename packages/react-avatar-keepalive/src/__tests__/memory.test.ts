/** @vitest-environment node */
// What a session that was let go keeps in memory: on a server thousands of sessions come and go,
// and each one's options (its fetch, callbacks and whatever they close over) must go with it.
// A real garbage collector (`gc` from V8 itself, so the suite runs without flags) and fake timers.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { keepAvatarSessionAlive } from '../core/keepAvatarSessionAlive'
import { MIN_KEEP_ALIVE_GAP } from '../core/schedule'
import { createAvatarSessionStore, type AvatarSessionStore } from '../core/store'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const sleep = (ms: number) => vi.advanceTimersByTimeAsync(ms)

/** Collects after the current job (a WeakRef's target lives at least until then). */
async function collect(): Promise<void> {
  await new Promise(setImmediate)
  gc()
  gc()
}

async function heapUsed(): Promise<number> {
  await collect()
  return process.memoryUsage().heapUsed
}

const answer = (status: number) => async () =>
  new Response(JSON.stringify({ success: status === 200 }), { status })

let store: AvatarSessionStore
beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  })
})
afterEach(() => {
  store.clearAll()
  vi.useRealTimers()
})

/** Keeps `sessionId` until its first answer, then stops; returns what the app handed in. */
async function keepOnce(sessionId: string, status: number) {
  let answered!: () => void
  const done = new Promise<void>((resolve) => (answered = resolve))
  const fetch = async () => {
    answered()
    return answer(status)()
  }
  const onStatusChange = () => {}
  const handle = keepAvatarSessionAlive(sessionId, 'token-memory', {
    store,
    fetch,
    onStatusChange,
  })
  await done
  await sleep(0)
  handle.stop()
  await sleep(0)
  return { fetch: new WeakRef(fetch), onStatusChange: new WeakRef(onStatusChange) }
}

test.each([
  [200, 'alive'],
  [401, 'unauthorized (its refused token is remembered)'],
])('a session stopped after a %s answer keeps none of its options, %s', async (status) => {
  store = createAvatarSessionStore({ crossTab: null })
  const refs = await keepOnce('s-memory', status)
  await collect()
  expect(refs.fetch.deref()).toBeUndefined()
  expect(refs.onStatusChange.deref()).toBeUndefined()
})

/** Keeps `count` sessions with refused tokens, lets them go, then clears them from the store. */
async function refuseAndClear(count: number, measure: () => Promise<number>) {
  // A long token, as a JWT is: each session remembers it as refused while the store shows it.
  const token = (i: number) => `refused-${i}-${'x'.repeat(1_000)}`
  const handles = Array.from({ length: count }, (_, i) =>
    keepAvatarSessionAlive(`s-${i}`, token(i), { store, fetch: answer(401) }),
  )
  await sleep(50)
  expect(store.get('s-0').status).toBe('unauthorized')
  handles.forEach((handle) => handle.stop())
  handles.length = 0
  await sleep(MIN_KEEP_ALIVE_GAP * 2.5)
  const kept = await measure()
  store.clearAll()
  return { kept, cleared: await measure() }
}

test('sessions whose token was refused are forgotten once cleared from the store', async () => {
  store = createAvatarSessionStore({ crossTab: null })
  // The code paths run once first, so that compiling them is not counted.
  const sessions = 2_000
  await refuseAndClear(sessions, async () => 0)
  const before = await heapUsed()
  const { kept, cleared } = await refuseAndClear(sessions, async () => (await heapUsed()) - before)
  // Over 2 MB of refused tokens while the sessions are shown; under 10 % of that once cleared.
  expect(kept).toBeGreaterThan(sessions * 1_000)
  expect(cleared).toBeLessThan(kept / 10)
}, 30_000)

test('refused tokens are forgotten once cleared, also when a badge showed the session meanwhile', async () => {
  store = createAvatarSessionStore({ crossTab: null })
  const sessions = 1_000
  const length = 10_000
  const token = (i: number) => `refused-${i}-${'x'.repeat(length)}`
  /** Keeps each session, shown by a badge, until refused; then clears it, before or after the badge goes. */
  async function keepShownAndClear(clearWhileShown: boolean) {
    const ids = Array.from({ length: sessions }, (_, i) => `shown-${i}`)
    const badges = ids.map((id) => store.session(id).subscribe(() => {}))
    const handles = ids.map((id, i) =>
      keepAvatarSessionAlive(id, token(i), { store, fetch: answer(401) }),
    )
    await sleep(50)
    expect(store.get(ids[0]!).status).toBe('unauthorized')
    handles.forEach((handle) => handle.stop())
    await sleep(MIN_KEEP_ALIVE_GAP * 2.5)
    if (!clearWhileShown) badges.forEach((off) => off())
    store.clearAll()
    if (clearWhileShown) badges.forEach((off) => off())
  }
  // The code paths run once first, so that compiling them is not counted.
  await keepShownAndClear(false)
  await keepShownAndClear(true)
  store.clearAll()
  let before = await heapUsed()
  await keepShownAndClear(false)
  const control = (await heapUsed()) - before
  before = await heapUsed()
  await keepShownAndClear(true)
  const retained = (await heapUsed()) - before
  // 10 MB of refused tokens while shown; under 10 % of that once cleared, badge or no badge.
  expect(retained - control).toBeLessThan(sessions * length * 0.1)
}, 30_000)
