// A fake clock for the rows that count CPU per session with many sessions (rows 8 and 9).
//
// Why not `vi.useFakeTimers()`: @sinonjs/fake-timers finds the next timer to fire by scanning every
// timer it holds, so firing one costs O(timers) and one interval of N sessions O(N²). Measured here
// with N no-op 10 s intervals and nothing else, per timer per interval: 11 µs at N = 10, 347 µs at
// N = 1,000, 759 µs at N = 2,000 — at 1,000 sessions the clock alone would cost more than the
// package. This one keeps its timers in a binary heap (O(log N) per timer), and after each timer
// it fires lets the microtasks run (one real `setImmediate`), as a browser runs them after each task.
//
// It fakes what the engine and its peers read: setTimeout, clearTimeout, setInterval,
// clearInterval, Date (`Date.now()` and `new Date()`) and `performance.now()`.

interface Timer {
  id: number
  callAt: number
  /** Ties are fired in the order the timers were set. */
  seq: number
  fn: (...args: unknown[]) => void
  args: unknown[]
  /** Set for an interval. */
  every?: number
  /** Where it sits in the heap. */
  index: number
}

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  Date: globalThis.Date,
}

export interface FakeClock {
  /** Fake ms since the epoch (what `Date.now()` returns). */
  now: () => number
  /** Runs every timer due within `ms`, in order, letting microtasks run after each. */
  advance: (ms: number) => Promise<void>
  /** Timers pending (intervals count once). */
  count: () => number
  /** Fires nothing more and puts the real timers, Date and `performance.now` back. */
  uninstall: () => void
}

export function installFakeClock(): FakeClock {
  const heap: Timer[] = []
  const byId = new Map<number, Timer>()
  let nextId = 1
  let seq = 0
  const startDate = real.Date.now()
  const startPerf = performance.now()
  let now = startDate

  const before = (a: Timer, b: Timer) =>
    a.callAt < b.callAt || (a.callAt === b.callAt && a.seq < b.seq)
  const place = (timer: Timer, i: number) => {
    heap[i] = timer
    timer.index = i
  }
  const siftUp = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      const child = heap[i]!
      place(heap[parent]!, i)
      place(child, parent)
      i = parent
    }
  }
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let least = i
      if (l < heap.length && before(heap[l]!, heap[least]!)) least = l
      if (r < heap.length && before(heap[r]!, heap[least]!)) least = r
      if (least === i) return
      const parent = heap[i]!
      place(heap[least]!, i)
      place(parent, least)
      i = least
    }
  }
  const push = (timer: Timer) => {
    place(timer, heap.length)
    siftUp(timer.index)
  }
  // Takes a timer out wherever it is, as real timers do when cleared: a cleared timer's callback
  // (and what it holds) is garbage at once, not kept until its time would have come.
  const remove = (timer: Timer) => {
    const last = heap.pop()!
    if (last !== timer) {
      place(last, timer.index)
      siftUp(last.index)
      siftDown(last.index)
    }
  }
  const pop = (): Timer | undefined => {
    const top = heap[0]
    if (top) remove(top)
    return top
  }

  const schedule = (fn: unknown, delay: unknown, args: unknown[], interval: boolean): number => {
    if (typeof fn !== 'function') throw new TypeError('fake clock: a callback is required')
    const ms = Math.max(interval ? 1 : 0, Math.floor(Number(delay) || 0))
    const timer: Timer = {
      id: nextId++,
      callAt: now + ms,
      seq: seq++,
      fn: fn as Timer['fn'],
      args,
      every: interval ? ms : undefined,
      index: -1,
    }
    byId.set(timer.id, timer)
    push(timer)
    return timer.id
  }
  const cancel = (id: unknown) => {
    const timer = byId.get(Number(id))
    if (!timer) return
    byId.delete(timer.id)
    remove(timer)
  }

  class FakeDate extends real.Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now)
      else super(...(args as [string]))
    }
    static override now() {
      return now
    }
  }

  const g = globalThis as unknown as Record<string, unknown>
  g.setTimeout = (fn: unknown, delay?: unknown, ...args: unknown[]) =>
    schedule(fn, delay, args, false)
  g.setInterval = (fn: unknown, delay?: unknown, ...args: unknown[]) =>
    schedule(fn, delay, args, true)
  g.clearTimeout = cancel
  g.clearInterval = cancel
  g.Date = FakeDate
  const perfNow = Object.getOwnPropertyDescriptor(performance, 'now')
  Object.defineProperty(performance, 'now', {
    configurable: true,
    writable: true,
    value: () => startPerf + (now - startDate),
  })

  const tick = () => new Promise<void>((resolve) => real.setImmediate(resolve))
  let installed = true

  return {
    now: () => now,
    count: () => byId.size,
    async advance(ms) {
      let failure: { error: unknown } | undefined
      const target = now + ms
      await tick()
      while (installed && heap.length && heap[0]!.callAt <= target) {
        const timer = pop()!
        now = Math.max(now, timer.callAt)
        if (timer.every === undefined) byId.delete(timer.id)
        else {
          timer.callAt += timer.every
          timer.seq = seq++
          push(timer)
        }
        try {
          timer.fn(...timer.args)
        } catch (error) {
          failure ??= { error }
        }
        await tick()
      }
      if (installed) now = Math.max(now, target)
      if (failure) throw failure.error
    },
    uninstall() {
      installed = false
      Object.assign(g, real)
      g.setImmediate = real.setImmediate
      if (perfNow) Object.defineProperty(performance, 'now', perfNow)
      else delete (performance as unknown as Record<string, unknown>).now
      heap.length = 0
      byId.clear()
    },
  }
}
