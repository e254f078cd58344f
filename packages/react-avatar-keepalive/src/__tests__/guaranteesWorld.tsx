// A simulated world for the engine's guarantees: fake clocks, a scripted server behind a stub
// `fetch`, 1–5 components keeping one session, and a checker that watches every request, timer
// and report. Used by the property suite and by its counterexamples turned into example tests.
import { onlineManager, QueryClient } from '@tanstack/react-query'
import { act, cleanup, render } from '@testing-library/react'
import { useEffect } from 'react'
import { vi } from 'vitest'
import { endAvatarSession } from '../core/endAvatarSession'
import { MAX_TIMER_DELAY } from '../core/error'
import { isValidToken } from '../core/request'
import { isTerminalStatus, type AvatarSessionStatus } from '../core/status'
import { createAvatarSessionStore, type AvatarSessionStore } from '../core/store'
import {
  useAvatarKeepAlive,
  type UseAvatarKeepAliveOptions,
  type UseAvatarKeepAliveResult,
} from '../useAvatarKeepAlive'
import { FAKE_TIMERS, setPageVisible } from './keepAliveTestUtils'

export const SESSION = 'sess/1'
/** The server accepts the first two and refuses the third; the last three are not header values. */
export const TOKENS = [
  'tok-alpha-S3CRET',
  'tok-beta-S3CRET',
  'tok-gamma-S3CRET',
  'tok-line\nbreak-S3CRET',
  'tøk-S3CRET',
  'tok with space S3CRET',
] as const
const ACCEPTED = new Set<string>([TOKENS[0], TOKENS[1]])

export type Answer =
  | {
      kind: 'http'
      status: number
      body: 'success' | 'fail' | 'empty' | 'html' | 'huge' | 'echo'
      retryAfter: string | null
      delay: number
    }
  | { kind: 'network'; delay: number }
  /** Never settles and ignores its signal. */
  | { kind: 'hang' }

export interface ConsumerSetup {
  token: string
  enabled: boolean
  interval: number
  timeout: number
  baseUrl: string
  retry: boolean
}

export type Step =
  | { type: 'advance'; ms: number }
  | { type: 'script'; answers: Answer[] }
  | { type: 'mount'; i: number; setup: ConsumerSetup }
  | { type: 'unmount'; i: number }
  | { type: 'enabled'; i: number; enabled: boolean }
  | { type: 'flips'; i: number; times: number }
  | { type: 'token'; i: number; token: string }
  | { type: 'options'; i: number; setup: Omit<ConsumerSetup, 'token' | 'enabled'> }
  | { type: 'online'; online: boolean }
  | { type: 'visible'; visible: boolean }
  | { type: 'freeze'; ms: number; resume: boolean }
  | { type: 'clock'; ms: number }
  | { type: 'ping'; i: number }
  | { type: 'end'; token: string }

interface Call {
  url: string
  token: string
  at: number
  signal: AbortSignal
  settled: boolean
  /** The timeout in force when it was sent, and the failures the store counted then. */
  timeout: number
  failuresBefore: number
  hang?: boolean
  /** When the package aborted it (it gave up on it: timed out, or stopped). */
  abortedAt?: number
}

interface Instance {
  key: number
  /** The result it last rendered, kept after unmount to call a stale `ping()`. */
  setup: ConsumerSetup
  firstStatus: AvatarSessionStatus | null
  reports: [AvatarSessionStatus, AvatarSessionStatus][]
  expired: number
  result: UseAvatarKeepAliveResult | null
}

export interface World {
  run: (step: Step) => Promise<void>
  /** Everything the guarantees forbid that happened so far. */
  violations: string[]
  calls: Call[]
  finish: () => Promise<void>
}

export async function createWorld(): Promise<World> {
  vi.useFakeTimers(FAKE_TIMERS)
  const violations: string[] = []
  const fail = (message: string): void => void violations.push(`${message} (at ${now()} ms)`)
  const now = (): number => Math.round(performance.now())

  // Every delay handed to a timer must be one the platform honours; nothing is logged but is
  // kept to check for tokens. Patched by hand, not spied on: vitest keeps every spy it made, and
  // with it (its implementation, its calls) everything a world holds, so a long soak grew slower
  // and heavier with every run.
  const logged: unknown[][] = []
  const patches = [
    ...(['setTimeout', 'setInterval'] as const).map((name) =>
      patch(globalThis, name, (original) => (fn: () => void, ms?: number, ...rest: unknown[]) => {
        if (ms !== undefined && !(Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_DELAY)) {
          fail(`${name} got ${String(ms)}${process.env.FUZZ_TRACE ? new Error().stack : ''}`)
        }
        return original(fn, ms, ...rest)
      }),
    ),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      patch(
        console,
        level,
        () =>
          (...args: unknown[]) =>
            void logged.push(args),
      ),
    ),
  ]

  const store: AvatarSessionStore = createAvatarSessionStore()
  const queryClient = new QueryClient()
  const calls: Call[] = []
  const script: Answer[] = []
  const refused = new Set<string>()
  let ended = false
  let terminalSince: number | null = null

  // Liveness bookkeeping: the window in which the conditions held without a break.
  let windowStart = 0
  let lastAlive: number | null = null
  // The first keep-alive since something last started keeping the session.
  let firstOfPeriod: number | undefined
  store.session(SESSION).subscribe((next, previous) => {
    if (next.lastAliveAt !== previous.lastAliveAt) lastAlive = now()
    if (isTerminalStatus(next.status)) terminalSince ??= now()
  })

  const keepAlives = (): Call[] => calls.filter((call) => call.url.endsWith('/keep-alive'))
  const instances: (Instance | null)[] = [null, null, null, null, null]
  const stale: (UseAvatarKeepAliveResult | null)[] = [null, null, null, null, null]
  let keys = 0
  const pings: { settled: boolean }[] = []

  const active = (): Instance[] =>
    instances.filter(
      (it): it is Instance => !!it && it.setup.enabled && it.setup.token.trim() !== '',
    )
  const interval = (): number => Math.min(...active().map((it) => it.setup.interval))
  const timeout = (): number => Math.max(...active().map((it) => it.setup.timeout), 0)
  const conditionsHold = (): boolean => {
    const { status } = store.get(SESSION)
    return (
      active().length > 0 &&
      onlineManager.isOnline() &&
      !isTerminalStatus(status) &&
      status !== 'unauthorized' &&
      status !== 'error'
    )
  }

  const stubFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input)
    const headers = (init?.headers ?? {}) as Record<string, string>
    const authorization = headers.Authorization ?? ''
    const token = authorization.replace(/^Bearer /, '')
    const t = now()
    if (!isValidToken(token)) fail(`sent a token that is not a header value`)
    if (TOKENS.some((secret) => url.includes(secret)) || init?.body !== '{}')
      fail('token outside the header')
    const { consecutiveFailures: failuresBefore } = store.get(SESSION)
    const call: Call = {
      url,
      token,
      at: t,
      signal: init!.signal!,
      settled: false,
      timeout: timeout(),
      failuresBefore,
    }
    if (url.endsWith('/keep-alive')) {
      const previous = keepAlives()
      const last = previous[previous.length - 1]
      if (previous.some((c) => !c.settled && !c.signal.aborted)) fail('two keep-alives in flight')
      if (last && t - last.at < 1000) fail(`keep-alives ${t - last.at} ms apart`)
      if (terminalSince !== null) fail('a keep-alive after the session ended')
      if (refused.has(token)) fail('a refused token was sent again')
      if (last && conditionsHold() && t - Math.max(last.at, windowStart) > interval() + 2) {
        fail(`a gap of ${t - Math.max(last.at, windowStart)} ms with interval ${interval()}`)
      }
    }
    calls.push(call)
    if (url.endsWith('/keep-alive')) firstOfPeriod ??= t
    const answer: Answer = url.endsWith('/end')
      ? { kind: 'http', status: ended ? 410 : 200, body: 'success', retryAfter: null, delay: 0 }
      : (script.shift() ?? {
          kind: 'http',
          status: ended ? 410 : ACCEPTED.has(token) ? 200 : 401,
          body: ended || !ACCEPTED.has(token) ? 'fail' : 'success',
          retryAfter: null,
          delay: 20,
        })
    if (url.endsWith('/end')) ended = true
    if (answer.kind === 'hang') {
      call.hang = true
      init!.signal!.addEventListener('abort', () => (call.abortedAt ??= now()))
      return new Promise<Response>(() => {})
    }
    return new Promise<Response>((resolve, reject) => {
      const signal = init!.signal!
      signal.addEventListener('abort', () => {
        call.settled = true
        reject(signal.reason)
      })
      setTimeout(() => {
        if (signal.aborted) return
        call.settled = true
        if (answer.kind === 'network') return reject(new TypeError('Failed to fetch'))
        const { status } = answer
        if ([401, 403, 400].includes(status) && url.endsWith('/keep-alive')) refused.add(token)
        resolve(respond(answer, token))
      }, answer.delay)
    })
  }

  function Consumer({ instance }: { instance: Instance }) {
    const { token, ...setup } = instance.setup
    const options: UseAvatarKeepAliveOptions = {
      ...setup,
      store,
      queryClient,
      fetch: stubFetch,
      onStatusChange: (status, previous) => instance.reports.push([status, previous]),
      onExpired: () => instance.expired++,
    }
    const result = useAvatarKeepAlive(SESSION, token, options)
    instance.result = result
    // The status the component showed when it mounted: its reports start from there.
    useEffect(() => {
      instance.firstStatus ??= result.status
    })
    return null
  }
  const ui = () => <>{instances.map((it) => it && <Consumer key={it.key} instance={it} />)}</>
  const view = render(ui())

  const settle = () =>
    act(async () => {
      await vi.advanceTimersByTimeAsync(0)
    })
  const rerender = () => act(() => view.rerender(ui()))

  const check = (): void => {
    const snapshot = store.get(SESSION)
    const { status } = snapshot
    if (terminalSince !== null && !isTerminalStatus(status))
      fail(`left a final status for ${status}`)
    if (isTerminalStatus(status)) terminalSince ??= now()
    if (active().length === 0 && ['connecting', 'alive', 'degraded', 'offline'].includes(status)) {
      fail(`${status} with nothing keeping the session`)
    }
    // isAlive: false at the latest one interval (plus a request) after 3 intervals of silence.
    if (!active().length) firstOfPeriod = undefined
    if (snapshot.isAlive && active().length) {
      const since = now() - (lastAlive ?? firstOfPeriod ?? now())
      if (since > interval() * 4 + timeout() + 2) fail(`isAlive ${since} ms after the last success`)
    }
    // Every attempt ends within its timeout, even when fetch ignores its signal: it counts as a
    // failure, or it was given up (aborted) in time, say by a stop.
    const out = keepAlives().at(-1)
    if (
      out?.hang &&
      active().length &&
      onlineManager.isOnline() &&
      now() > out.at + out.timeout + 2
    ) {
      const counted = snapshot.consecutiveFailures > out.failuresBefore
      const givenUp = out.abortedAt !== undefined && out.abortedAt <= out.at + out.timeout + 2
      if (!counted && !givenUp && !isTerminalStatus(status)) fail('an attempt outlived its timeout')
    }
    if (conditionsHold()) {
      const last = keepAlives().at(-1)
      const gap = now() - Math.max(last?.at ?? 0, windowStart)
      if (gap > interval() + 2) fail(`no keep-alive for ${gap} ms with interval ${interval()}`)
    } else windowStart = now()
    for (const it of instances) {
      if (!it) continue
      let seen = it.firstStatus
      for (const [next, previous] of it.reports) {
        if (previous !== seen) fail(`onStatusChange skipped ${seen} → ${previous}`)
        seen = next
      }
      if (seen !== status) fail(`onStatusChange last told ${seen}, the status is ${status}`)
      if (it.expired > 1) fail('onExpired fired twice')
    }
    const secrets = JSON.stringify([
      store.getState(),
      snapshot.error?.message,
      String((snapshot.error?.cause as Error | undefined)?.message),
      queryClient
        .getQueryCache()
        .getAll()
        .map((q) => [q.queryKey, q.meta, q.state.data]),
      document.body.innerHTML,
      logged,
    ])
    if (secrets.includes('S3CRET')) fail('a token outside the Authorization header')
  }

  const resetWindow = (): void => void (windowStart = now())

  const run = async (step: Step): Promise<void> => {
    switch (step.type) {
      case 'advance':
        // In slices, so that the checks see the state between keep-alives too.
        for (let left = step.ms; left > 0; left -= 500) {
          await act(async () => {
            await vi.advanceTimersByTimeAsync(Math.min(500, left))
          })
          check()
        }
        break
      case 'script':
        script.push(...step.answers)
        break
      case 'mount':
        if (!instances[step.i]) {
          instances[step.i] = {
            key: ++keys,
            setup: step.setup,
            firstStatus: null,
            reports: [],
            expired: 0,
            result: null,
          }
          resetWindow()
          await rerender()
        }
        break
      case 'unmount':
        stale[step.i] = instances[step.i]?.result ?? stale[step.i] ?? null
        instances[step.i] = null
        await rerender()
        break
      case 'enabled':
      case 'token':
      case 'options': {
        const it = instances[step.i]
        if (!it) break
        it.setup =
          step.type === 'enabled'
            ? { ...it.setup, enabled: step.enabled }
            : step.type === 'token'
              ? { ...it.setup, token: step.token }
              : { ...it.setup, ...step.setup }
        resetWindow()
        await rerender()
        break
      }
      case 'flips': {
        const it = instances[step.i]
        if (!it) break
        for (let k = 0; k < step.times; k++) {
          it.setup = { ...it.setup, enabled: !it.setup.enabled }
          // Who keeps the session, and so the interval, changes with each flip.
          resetWindow()
          await rerender()
          await settle()
        }
        resetWindow()
        break
      }
      case 'online':
        act(() => onlineManager.setOnline(step.online))
        resetWindow()
        break
      case 'visible':
        act(() => setPageVisible(step.visible))
        break
      case 'freeze':
        // The window starts again where the freeze ends: the timers that fell due meanwhile fire
        // then, and a keep-alive one of them starts (in that timer's task) is the thawed page's
        // first, not one that came an interval late.
        windowStart = now() + step.ms
        // Every clock jumps; each timer that fell due meanwhile fires once, as in a thawed page.
        act(() =>
          (Date as unknown as { clock: { jump: (ms: number) => void } }).clock.jump(step.ms),
        )
        resetWindow()
        if (step.resume) act(() => void document.dispatchEvent(new Event('resume')))
        break
      case 'clock':
        vi.setSystemTime(Date.now() + step.ms)
        break
      case 'ping': {
        const mounted = instances[step.i]?.result
        const result = mounted ?? stale[step.i]
        if (!result) break
        const before = calls.length
        const offline = !onlineManager.isOnline()
        const entry = { settled: false }
        pings.push(entry)
        void result.ping().then(() => (entry.settled = true))
        await settle()
        if (!mounted && (calls.length !== before || !entry.settled)) fail('ping() after unmount')
        if (offline && !entry.settled) fail('ping() while offline did not settle at once')
        break
      }
      case 'end':
        if (step.token.trim() !== '' && isValidToken(step.token)) {
          act(() => {
            endAvatarSession({
              sessionId: SESSION,
              token: step.token,
              store,
              fetch: stubFetch,
            }).catch(() => {})
          })
        }
        break
    }
    await settle()
    check()
  }

  const finish = async (): Promise<void> => {
    // Long enough for every attempt to end and every ping to settle.
    await run({ type: 'advance', ms: 25_000 })
    if (pings.some((ping) => !ping.settled)) fail('a ping() never settled')
    // RTL keeps every root it rendered until cleanup(), and each holds its world.
    cleanup()
    await settle()
    act(() => {
      onlineManager.setOnline(true)
      setPageVisible(true)
    })
    // Before the real timers come back: the patches wrap the fake ones.
    patches.forEach((undo) => undo())
    vi.useRealTimers()
  }

  return { run, violations, calls, finish }
}

/** Replaces `target[key]` with `wrap(original)`; returns what puts the original back. */
function patch<T extends object, K extends keyof T>(
  target: T,
  key: K,
  wrap: (original: (...args: unknown[]) => unknown) => (...args: never[]) => unknown,
): () => void {
  const original = target[key]
  target[key] = wrap(original as (...args: unknown[]) => unknown) as T[K]
  return () => void (target[key] = original)
}

function respond(answer: Extract<Answer, { kind: 'http' }>, token: string): Response {
  const nullBody = [204, 205, 304].includes(answer.status)
  const text = {
    success: '{"success":true}',
    fail: '{"success":false,"error":"refused"}',
    empty: '',
    html: '<html><body>Bad gateway</body></html>',
    huge: JSON.stringify({ success: false, error: 'x'.repeat(200_000) }),
    echo: JSON.stringify({ success: false, error: `token ${token} is not valid` }),
  }[answer.body]
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (answer.retryAfter !== null) headers['Retry-After'] = answer.retryAfter
  return new Response(nullBody ? null : text, { status: answer.status, headers })
}
