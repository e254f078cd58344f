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
  cancelled: boolean
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
  const push = (timer: Timer) => {
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }
  const pop = (): Timer | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (heap.length && last) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let least = i
        if (l < heap.length && before(heap[l]!, heap[least]!)) least = l
        if (r < heap.length && before(heap[r]!, heap[least]!)) least = r
        if (least === i) break
        ;[heap[i], heap[least]] = [heap[least]!, heap[i]!]
        i = least
      }
    }
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
      cancelled: false,
    }
    byId.set(timer.id, timer)
    push(timer)
    return timer.id
  }
  const cancel = (id: unknown) => {
    const timer = byId.get(Number(id))
    if (!timer) return
    // Lazy removal: the heap drops it when it comes up.
    timer.cancelled = true
    byId.delete(timer.id)
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
        if (timer.cancelled) continue
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
