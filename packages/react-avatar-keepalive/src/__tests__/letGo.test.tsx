// Letting go on purpose: hiddenTimeout, idleTimeout (+ warning, markActive), and why a session ended.
import { focusManager, onlineManager } from '@tanstack/react-query'
import { act, fireEvent, render } from '@testing-library/react'
import { describe, expect, onTestFinished, test, vi } from 'vitest'
import { endAvatarSession } from '../core/endAvatarSession'
import { markSessionActive } from '../core/keeper'
import { useAvatarKeepAlive, type UseAvatarKeepAliveOptions } from '../useAvatarKeepAlive'
import { advance, renderKeepAlive, setPageVisible, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()
const ends = () => api.requests.filter((r) => r.endpoint === 'end')
const keepAlives = () => api.requests.filter((r) => r.endpoint === 'keep-alive')
const hide = () => act(() => setPageVisible(false))
const show = () => act(() => setPageVisible(true))

describe('hiddenTimeout', () => {
  const keepHidingFor20s = () =>
    renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { hiddenTimeout: 20_000 } })
  // Hidden is what the page says, not TanStack Query's focusManager, which an app may wire to
  // window focus (refetching on focus, as v4 did): clicking into the avatar's player, an iframe,
  // blurs the window of a page in view, and hiddenTimeout ended it. An app that turns focus
  // refetching off with a listener that hears nothing had hidden pages never ended.
  const wireFocusManager = (setup: Parameters<typeof focusManager.setEventListener>[0]) => {
    focusManager.setEventListener(setup)
    onTestFinished(() =>
      focusManager.setEventListener((onFocus) => {
        const listener = () => onFocus()
        window.addEventListener('visibilitychange', listener, false)
        return () => window.removeEventListener('visibilitychange', listener)
      }),
    )
  }

  test('focusManager wired to window focus: a page in view whose window blurs is not ended', async () => {
    wireFocusManager((setFocused) => {
      const blur = () => setFocused(false)
      window.addEventListener('blur', blur)
      return () => window.removeEventListener('blur', blur)
    })
    const view = keepHidingFor20s()
    await advance(0)
    act(() => void window.dispatchEvent(new Event('blur')))
    expect(focusManager.isFocused()).toBe(false)
    await advance(60_000)
    expect(ends()).toEqual([])
    expect(view.latest()).toMatchObject({ status: 'alive', endReason: null })
  })

  test('focusManager that hears nothing: a hidden page is still ended', async () => {
    wireFocusManager(() => () => {})
    const view = keepHidingFor20s()
    await advance(0)
    hide()
    await advance(20_000)
    expect(ends()).toHaveLength(1)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'hidden-timeout' })
  })

  test('hidden for hiddenTimeout − 1 ms and back: nothing ends, and the clock starts again', async () => {
    const view = keepHidingFor20s()
    await advance(0)
    hide()
    await advance(19_999)
    show()
    await advance(0)
    hide()
    await advance(19_999)
    expect(ends()).toEqual([])
    expect(view.latest().status).toBe('alive')
  })

  test('hidden for hiddenTimeout: one end request, no keep-alive after, expired with reason hidden-timeout', async () => {
    const onExpired = vi.fn()
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { hiddenTimeout: 20_000, onExpired },
    })
    await advance(0)
    hide()
    const hiddenAt = Date.now()
    await advance(20_000)
    expect(ends()).toHaveLength(1)
    expect(ends()[0]!.at - hiddenAt).toBe(20_000)
    expect(view.latest().status).toBe('expired')
    expect(view.latest().endReason).toBe('hidden-timeout')
    expect(onExpired).toHaveBeenCalledExactlyOnceWith('hidden-timeout')
    const count = keepAlives().length
    await advance(60_000)
    expect(keepAlives()).toHaveLength(count)
    expect(ends()).toHaveLength(1)
  })

  test('pings go on while hidden, until the timeout', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { hiddenTimeout: 35_000 } })
    await advance(0)
    hide()
    await advance(34_999)
    // Hidden pages aim a tenth of the interval early: 9 s apart.
    expect(keepAlives().map((r) => r.at - keepAlives()[0]!.at)).toEqual([0, 9_000, 18_000, 27_000])
  })
})

describe('idleTimeout', () => {
  test('the warning fires once, idleWarning before the end, with the ms left; then the session ends', async () => {
    const onIdleWarning = vi.fn()
    const onExpired = vi.fn()
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 120_000, idleWarning: 30_000, onIdleWarning, onExpired },
    })
    await advance(89_999)
    expect(onIdleWarning).not.toHaveBeenCalled()
    expect(view.snapshot().endsAt).toBeNull()
    await advance(1)
    expect(onIdleWarning).toHaveBeenCalledExactlyOnceWith(30_000)
    expect(view.snapshot().endsAt).toBe(Date.now() + 30_000)
    await advance(29_999)
    expect(ends()).toEqual([])
    expect(onIdleWarning).toHaveBeenCalledTimes(1)
    await advance(1)
    expect(ends()).toHaveLength(1)
    expect(view.latest().endReason).toBe('idle-timeout')
    expect(onExpired).toHaveBeenCalledExactlyOnceWith('idle-timeout')
  })

  // Mutation testing (2026-12-06): the store taking the keeper's view over an ended session passed
  // every test. A callback that counts the user active and ends the session (two rules of an app)
  // queues the activity before the end reaches the keeper, which stepped it and showed the session
  // alive again for a moment: expired, alive, expired, and onExpired twice.
  test('ended from the warning with activity told first: expired once, and it stays', async () => {
    const onExpired = vi.fn()
    const statuses: string[] = []
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: {
        idleTimeout: 60_000,
        idleWarning: 20_000,
        onExpired,
        onIdleWarning: () => {
          markSessionActive('s1', view.store)
          void endAvatarSession({ sessionId: 's1', token: 'token-1', store: view.store })
        },
      },
    })
    view.store.session('s1').subscribe(({ status }) => statuses.push(status))
    await advance(40_000)
    expect(statuses.slice(statuses.indexOf('expired'))).toEqual(['expired'])
    expect(view.latest().endReason).toBe('ended')
    expect(onExpired).toHaveBeenCalledExactlyOnceWith('ended')
    expect(ends()).toHaveLength(1)
  })

  test('the default warning is 60 s before the end', async () => {
    const onIdleWarning = vi.fn()
    renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 90_000, onIdleWarning },
    })
    await advance(30_000)
    expect(onIdleWarning).toHaveBeenCalledExactlyOnceWith(60_000)
  })

  test('markActive() during the warning calls it off and starts the clock again', async () => {
    const onIdleWarning = vi.fn()
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 60_000, idleWarning: 20_000, onIdleWarning },
    })
    await advance(45_000)
    expect(onIdleWarning).toHaveBeenCalledTimes(1)
    act(() => view.latest().markActive())
    expect(view.snapshot().endsAt).toBeNull()
    await advance(39_999)
    expect(onIdleWarning).toHaveBeenCalledTimes(1)
    await advance(1)
    expect(onIdleWarning).toHaveBeenCalledTimes(2)
    expect(ends()).toEqual([])
    await advance(20_000)
    expect(ends()).toHaveLength(1)
  })

  // Mutation testing (2026-12-06): a markActive that kept the session id of the first render passed
  // every test.
  test('markActive() after the session id changed counts for the new session', async () => {
    const options = { idleTimeout: 60_000, idleWarning: 20_000 }
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options })
    await advance(10_000)
    view.rerenderWith({ sessionId: 's2', token: 'token-1', options })
    await advance(30_000)
    act(() => view.latest().markActive())
    await advance(39_999)
    expect(view.snapshot('s2').endsAt).toBeNull()
    await advance(1)
    expect(view.snapshot('s2').endsAt).toBe(Date.now() + 20_000)
  })

  test.each([
    ['a pointer', () => fireEvent.pointerDown(window)],
    ['a key', () => fireEvent.keyDown(window, { key: 'a' })],
    ['a touch', () => fireEvent.touchStart(window)],
    ['the wheel', () => fireEvent.wheel(window)],
    ['the page becoming visible', () => (hide(), show())],
    ['markSessionActive() from the core', () => markSessionActive('s1', storeOf())],
  ])('%s counts as activity', async (_, activity) => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 60_000 },
    })
    current = view.store
    await advance(50_000)
    act(() => void activity())
    await advance(50_000)
    expect(ends()).toEqual([])
    await advance(10_000)
    expect(ends()).toHaveLength(1)
  })

  // Mutation testing (2026-12-06): no test hid the page during the idle clock.
  test('the page becoming hidden is no activity: the idle clock runs on', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { idleTimeout: 60_000 } })
    await advance(50_000)
    hide()
    await advance(9_999)
    expect(ends()).toEqual([])
    await advance(1)
    expect(ends()).toHaveLength(1)
  })

  test('without idleTimeout, activity listeners are not even installed', async () => {
    const add = vi.spyOn(window, 'addEventListener')
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    expect(add.mock.calls.map(([type]) => type)).not.toContain('pointerdown')
  })

  // Mutation testing (2026-12-06): listeners never taken off the page passed every test.
  test('the activity listeners go once no session watches for activity', async () => {
    const types = ['pointerdown', 'keydown', 'touchstart', 'wheel']
    const add = vi.spyOn(window, 'addEventListener')
    const remove = vi.spyOn(window, 'removeEventListener')
    const ofActivity = (calls: unknown[][]) =>
      calls.filter(([type]) => types.includes(String(type)))
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 60_000 },
    })
    await advance(0)
    const added = ofActivity(add.mock.calls)
    expect(added.map(([type]) => type).sort()).toEqual([...types].sort())
    expect(ofActivity(remove.mock.calls)).toEqual([])
    view.unmount()
    await advance(0)
    const removed = ofActivity(remove.mock.calls)
    expect(removed.map(([type, listener]) => [type, listener])).toEqual(
      added.map(([type, listener]) => [type, listener]),
    )
  })
})

let current: ReturnType<typeof renderKeepAlive>['store'] | undefined
const storeOf = () => current!

describe('shared by all consumers of a session', () => {
  function Consumer(props: { options: UseAvatarKeepAliveOptions }) {
    useAvatarKeepAlive('s1', 'token-1', props.options)
    return null
  }

  test('several consumers with different timeouts: the shortest wins, one end request', async () => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 300_000 },
    })
    render(
      <>
        <Consumer
          options={{ store: view.store, queryClient: view.queryClient, idleTimeout: 120_000 }}
        />
        <Consumer
          options={{ store: view.store, queryClient: view.queryClient, idleTimeout: 200_000 }}
        />
        <Consumer options={{ store: view.store, queryClient: view.queryClient }} />
      </>,
    )
    await advance(119_999)
    expect(ends()).toEqual([])
    await advance(1)
    expect(ends()).toHaveLength(1)
    await advance(300_000)
    expect(ends()).toHaveLength(1)
  })

  test('StrictMode: one warning, one end request', async () => {
    const onIdleWarning = vi.fn()
    renderKeepAlive(
      { sessionId: 's1', token: 'token-1', options: { idleTimeout: 70_000, onIdleWarning } },
      { strict: true },
    )
    await advance(70_000)
    expect(onIdleWarning).toHaveBeenCalledTimes(1)
    expect(ends()).toHaveLength(1)
  })

  test('unmounting the last consumer clears the timers', async () => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 60_000, hiddenTimeout: 10_000 },
    })
    await advance(0)
    view.unmount()
    await advance(0)
    hide()
    await advance(120_000)
    expect(ends()).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('why a session ended', () => {
  test('server: a 410 with nothing on this side to blame', async () => {
    api.queue(200, 410)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(10_000)
    expect(view.latest().endReason).toBe('server')
    expect(view.snapshot().missed).toBeNull()
  })

  test('not-found: a 404', async () => {
    api.queue(404)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    expect(view.latest().status).toBe('not-found')
    expect(view.latest().endReason).toBe('not-found')
  })

  test('ended: endAvatarSession by the app', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    await act(async () => {
      await endAvatarSession({ sessionId: 's1', token: 'token-1', store: view.store })
    })
    expect(view.latest().endReason).toBe('ended')
  })

  test('page-hide: endOnPageHide as the page goes away', async () => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { endOnPageHide: true },
    })
    await advance(0)
    act(() => void window.dispatchEvent(new Event('pagehide')))
    await advance(0)
    expect(view.latest().endReason).toBe('page-hide')
    expect(ends()).toHaveLength(1)
  })

  test('missed: a 410 after an offline spell longer than the interval records cause and silence', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    act(() => onlineManager.setOnline(false))
    await advance(45_000)
    act(() => onlineManager.setOnline(true))
    await advance(0)
    expect(view.latest().status).toBe('expired')
    expect(view.latest().endReason).toBe('missed')
    expect(view.snapshot().missed).toEqual({ cause: 'offline', silentFor: 45_000 })
  })

  test('missed: a 410 after a freeze longer than the interval says frozen', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    // Every clock jumps 40 s; each timer that fell due fires once, as in a thawed page.
    act(() => (Date as unknown as { clock: { jump: (ms: number) => void } }).clock.jump(40_000))
    await advance(0)
    expect(view.latest().endReason).toBe('missed')
    expect(view.snapshot().missed).toEqual({ cause: 'frozen', silentFor: 40_000 })
  })

  test('a 410 right after a short hidden spell, pings on time, is the server: not missed', async () => {
    api.queue(200, 200, 410)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    hide()
    await advance(20_000)
    expect(view.latest().status).toBe('expired')
    expect(view.latest().endReason).toBe('server')
  })
})
