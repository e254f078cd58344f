import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen } from '@testing-library/react'
import { useEffect } from 'react'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import { createAvatarSessionStore } from '../core/store'
import { useAvatarKeepAlive } from '../useAvatarKeepAlive'
import { advance, renderKeepAlive, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()

describe('schedule', () => {
  test('sends the first keep-alive right after mount, then one every interval', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    expect(api.count('s1')).toBe(1)
    expect(view.latest().status).toBe('alive')
    await advance(9_999)
    expect(api.count('s1')).toBe(1)
    await advance(1)
    expect(api.count('s1')).toBe(2)
    await advance(80_000)
    expect(api.count('s1')).toBe(10)
    expect(api.requests.every((r) => r.status === 200 && r.tokenMatched)).toBe(true)
  })

  test('sends exactly the documented request', async () => {
    const fetch = vi.fn(globalThis.fetch)
    renderKeepAlive({
      sessionId: 'a/b?c#d..',
      token: 'token-x',
      options: { fetch, baseUrl: 'https://api.avatar.eu.kaltura.ai/v1/' },
    })
    await advance(0)
    expect(fetch).toHaveBeenCalledTimes(1)
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe(
      'https://api.avatar.eu.kaltura.ai/v1/avatar-session/a%2Fb%3Fc%23d../keep-alive',
    )
    expect(init?.method).toBe('POST')
    expect(init?.body).toBe('{}')
    expect(init?.headers).toEqual({
      Authorization: 'Bearer token-x',
      'Content-Type': 'application/json',
    })
  })

  test('the interval runs from the start of each keep-alive, so latency does not stretch it', async () => {
    api.queue(...Array.from({ length: 5 }, () => ({ delay: 700 })))
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(40_700)
    expect(api.requests.map((r) => r.at - api.requests[0]!.at)).toEqual([
      0, 10_000, 20_000, 30_000, 40_000,
    ])
    expect(api.requests.every((r) => r.status === 200)).toBe(true)
  })

  test('in a hidden page the next ping aims 1 s early, as Chrome runs background timers late', async () => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(20_000)
    expect(api.requests.map((r) => r.at - api.requests[0]!.at)).toEqual([0, 9_000, 18_000])
  })

  test('uses the interval option', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { interval: 2_000 } })
    await advance(0)
    await advance(10_000)
    expect(api.count('s1')).toBe(6)
  })

  test('many consumers of one session send one request per interval', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' }, { consumers: 25 })
    await advance(0)
    expect(api.count('s1')).toBe(1)
    await advance(100_000)
    expect(api.count('s1')).toBe(11)
  })

  test('100 consumers mounted at staggered times over one interval: one request per interval', async () => {
    const queryClient = new QueryClient()
    function Consumer() {
      useAvatarKeepAlive('s1', 'token-1', { queryClient })
      return null
    }
    const view = render(<></>)
    const mounted: number[] = []
    for (let i = 0; i < 100; i++) {
      mounted.push(i)
      view.rerender(
        <>
          {mounted.map((key) => (
            <Consumer key={key} />
          ))}
        </>,
      )
      await advance(100)
    }
    // Mounting took one interval: the first ping at mount, the second on schedule.
    expect(api.count('s1')).toBe(2)
    await advance(100_000)
    expect(api.count('s1')).toBe(12)
  })

  test('never two requests in flight for one session, with slow answers and staggered mounts', async () => {
    api.queue(...Array.from({ length: 20 }, () => ({ delay: 4_000 })))
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' }, { consumers: 3 })
    for (let i = 0; i < 10; i++) {
      await advance(3_000)
      view.rerenderWith({ sessionId: 's1', token: 'token-1' })
    }
    await advance(60_000)
    const spans = api.requests.map((r) => [r.at, r.settledAt ?? Infinity] as const)
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1])
    }
    expect(spans.length).toBeGreaterThan(5)
  })

  test('StrictMode sends one request at mount and one per interval', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' }, { strict: true })
    await advance(0)
    expect(api.count('s1')).toBe(1)
    await advance(30_000)
    expect(api.count('s1')).toBe(4)
  })

  test('works without a QueryClientProvider or a queryClient option', async () => {
    function Bare() {
      const { status } = useAvatarKeepAlive('s2', 'token-2')
      return <output>{status}</output>
    }
    render(<Bare />)
    await advance(0)
    expect(screen.getByRole('status').textContent).toBe('alive')
    expect(api.count('s2')).toBe(1)
  })

  test('schedules on its own QueryClient, not the one from context', async () => {
    const queryClient = new QueryClient()
    function InProvider() {
      useAvatarKeepAlive('s1', 'token-1')
      return null
    }
    render(
      <QueryClientProvider client={queryClient}>
        <InProvider />
      </QueryClientProvider>,
    )
    await advance(0)
    expect(api.count('s1')).toBe(1)
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0)
  })

  test('schedules on the queryClient option, marked with meta', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    const queries = view.queryClient.getQueryCache().getAll()
    expect(queries.map((query) => [query.queryKey, query.meta])).toEqual([
      [['react-avatar-keepalive', 'keep-alive', 's1'], { avatarKeepAlive: 's1' }],
    ])
  })
})

describe('stopping', () => {
  test('the last consumer unmounting stops the pings and marks the session stopped', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    view.unmount()
    await advance(0)
    expect(view.snapshot()?.status).toBe('stopped')
    await advance(60_000)
    expect(api.count('s1')).toBe(1)
  })

  test('one of two consumers unmounting does not stop the session', async () => {
    const queryClient = new QueryClient()
    function Consumer() {
      const { status } = useAvatarKeepAlive('s1', 'token-1', { queryClient })
      return <output>{status}</output>
    }
    const view = render(
      <>
        <Consumer key="a" />
        <Consumer key="b" />
      </>,
    )
    await advance(0)
    view.rerender(<Consumer key="a" />)
    await advance(30_000)
    expect(screen.getByRole('status').textContent).toBe('alive')
    expect(api.count('s1')).toBe(4)
  })

  test('components naming two endpoints for one session: the last mounted one names it, whoever rotates a token', async () => {
    const queryClient = new QueryClient()
    function Consumer({ baseUrl, token }: { baseUrl: string; token: string }) {
      useAvatarKeepAlive('s1', token, { baseUrl, queryClient })
      return null
    }
    const ui = (first: string, second?: string) => (
      <>
        <Consumer key="a" baseUrl="https://api.avatar.us.kaltura.ai/v1" token={first} />
        {second && (
          <Consumer key="b" baseUrl="https://api.avatar.eu.kaltura.ai/v1" token={second} />
        )}
      </>
    )
    const sent = () => api.requests.map((r) => `${new URL(r.url).host.split('.')[2]} ${r.status}`)
    const view = render(ui('token-1'))
    await advance(0)
    view.rerender(ui('token-1', 'token-1'))
    await advance(10_000)
    expect(sent()).toEqual(['us 200', 'eu 200'])
    // The first component's token is rotated (so its token is the one sent): still the second's
    // endpoint.
    api.setToken('s1', 'token-2')
    view.rerender(ui('token-2', 'token-1'))
    await advance(10_000)
    expect(sent()).toEqual(['us 200', 'eu 200', 'eu 200'])
    expect(api.requests.at(-1)!.tokenMatched).toBe(true)
    // The second unmounts: the first's endpoint again.
    view.rerender(ui('token-2'))
    await advance(10_000)
    expect(sent()).toEqual(['us 200', 'eu 200', 'eu 200', 'us 200'])
  })

  test('unmounting mid-request aborts the request', async () => {
    api.queue('hang')
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(1_000)
    expect(api.requests[0]?.status).toBe('pending')
    view.unmount()
    await advance(0)
    expect(api.requests[0]?.status).toBe('aborted')
    expect(view.snapshot()?.status).toBe('stopped')
    await advance(60_000)
    expect(api.count('s1')).toBe(1)
  })

  test('enabled: false stops and aborts; true again pings at once', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    api.queue('hang')
    await advance(10_000)
    expect(api.requests[1]?.status).toBe('pending')
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { enabled: false } })
    await advance(0)
    expect(api.requests[1]?.status).toBe('aborted')
    expect(view.latest().status).toBe('stopped')
    await advance(20_000)
    expect(api.count('s1')).toBe(2)
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { enabled: true } })
    await advance(0)
    expect(api.count('s1')).toBe(3)
    expect(view.latest().status).toBe('alive')
  })

  test('a halted status stays when the last consumer unmounts', async () => {
    api.queue(410)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    view.unmount()
    await advance(0)
    expect(view.snapshot()?.status).toBe('expired')
  })
})

describe('idle input', () => {
  test.each([
    [null, 'token-1'],
    [undefined, 'token-1'],
    ['', 'token-1'],
    ['   ', 'token-1'],
    ['.', 'token-1'],
    ['..', 'token-1'],
    ['s1\uD800', 'token-1'],
    ['s1', null],
    ['s1', undefined],
    ['s1', ''],
    ['s1', '   '],
  ])('session %j with token %j is idle and sends nothing', async (sessionId, token) => {
    const view = renderKeepAlive({ sessionId, token })
    await advance(30_000)
    expect(view.latest().status).toBe('idle')
    expect(view.latest().isAlive).toBe(false)
    expect(api.requests).toHaveLength(0)
    expect(await act(() => view.latest().ping())).toBe('idle')
    expect(api.requests).toHaveLength(0)
  })

  test('a session id arriving later starts pinging at once', async () => {
    const view = renderKeepAlive({ sessionId: null, token: 'token-1' })
    await advance(5_000)
    view.rerenderWith({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    expect(api.count('s1')).toBe(1)
    expect(view.latest().status).toBe('alive')
  })

  test('changing the session id stops the old session and starts the new one', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    view.rerenderWith({ sessionId: 's2', token: 'token-2' })
    await advance(0)
    expect(view.snapshot('s1')?.status).toBe('stopped')
    expect(view.snapshot('s2')?.status).toBe('alive')
    await advance(30_000)
    expect(api.count('s1')).toBe(1)
    expect(api.count('s2')).toBe(4)
  })

  test.each([
    [{ interval: 999 }, /`interval`/],
    [{ interval: Number.NaN }, /`interval`/],
    [{ interval: Number.POSITIVE_INFINITY }, /`interval`/],
    [{ timeout: 10_000 }, /`timeout`/],
    [{ timeout: 20_000 }, /`timeout`/],
    [{ timeout: 0 }, /`timeout`/],
    [{ timeout: -1 }, /`timeout`/],
    [{ baseUrl: '' }, /`baseUrl`/],
    [{ baseUrl: 'https://user:pa55@a.test/v1' }, /`baseUrl`/],
    [{ fetch: 'fetch' as unknown as typeof fetch }, /`fetch`/],
  ])('invalid options %j throw a TypeError naming the option', (options, message) => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    // React 18 also reports the render error as an uncaught window error; it is expected here.
    const quiet = (event: ErrorEvent): void => event.preventDefault()
    window.addEventListener('error', quiet)
    onTestFinished(() => window.removeEventListener('error', quiet))
    expect(() => renderKeepAlive({ sessionId: 's1', token: 'token-1', options })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(message) }),
    )
    // The message names the option, never its value (a password in the URL).
    expect(() => renderKeepAlive({ sessionId: 's1', token: 'token-1', options })).not.toThrow(
      /pa55/,
    )
    expect(api.requests).toHaveLength(0)
  })
})

describe('renders and ping()', () => {
  test('routine successful pings cause zero re-renders', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    const afterAlive = view.renders.length
    expect(view.renders.map((r) => r.status)).toEqual(expect.arrayContaining(['idle', 'alive']))
    await advance(100_000)
    expect(api.count('s1')).toBe(11)
    expect(view.renders.length).toBe(afterAlive)
  })

  test('a status change re-renders once per change', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    const before = view.renders.length
    api.queue(500)
    await advance(10_000)
    expect(view.latest().status).toBe('degraded')
    await advance(2_000)
    expect(view.latest().status).toBe('alive')
    // degraded (new status + error) then alive (status + error cleared): at most 2 renders each
    expect(view.renders.length - before).toBeLessThanOrEqual(4)
    expect(view.renders.length - before).toBeGreaterThanOrEqual(2)
  })

  test('ping() sends one now and resolves to the resulting status', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    await advance(3_000)
    let result: string | undefined
    await act(async () => {
      result = await view.latest().ping()
    })
    expect(result).toBe('alive')
    expect(api.count('s1')).toBe(2)
  })

  test('ping() joins a request in flight', async () => {
    api.queue({ delay: 2_000 })
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(500)
    const pending = view.latest().ping()
    await advance(2_000)
    expect(await pending).toBe('alive')
    expect(api.count('s1')).toBe(1)
  })

  test('ping() on an expired session sends nothing', async () => {
    api.queue(410)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    const pending = view.latest().ping()
    await advance(0)
    expect(await pending).toBe('expired')
    expect(api.count('s1')).toBe(1)
  })
  // Found by an attacker's review: a child's mount effect runs before the hook's own, which joins
  // the keep-alive, and ping() there resolved 'idle' at once; called in the same task as an
  // unmount or `enabled: false`, it resolved the status before the stop.
  test("ping() from a child's mount effect joins the first keep-alive", async () => {
    let got: string | undefined
    function Child({ ping }: { ping: () => Promise<string> }) {
      useEffect(() => void ping().then((status) => (got = status)), [ping])
      return null
    }
    const options = { store: createAvatarSessionStore(), queryClient: new QueryClient() }
    function Parent() {
      const { ping } = useAvatarKeepAlive('s1', 'token-1', options)
      return <Child ping={ping} />
    }
    render(<Parent />)
    await advance(0)
    expect(got).toBe('alive')
    expect(api.count('s1')).toBe(1)
  })

  test.each(['unmount', 'enabled: false'])(
    'ping() right after %s resolves stopped, and sends nothing',
    async (how) => {
      const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
      await advance(0)
      const { ping } = view.latest()
      if (how === 'unmount') view.unmount()
      else view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { enabled: false } })
      expect(await ping()).toBe('stopped')
      await advance(20_000)
      expect(api.count('s1')).toBe(1)
    },
  )
})
