import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { createRef, Profiler, type ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  avatarSessionStore,
  createAvatarSessionStore,
  IDLE_SNAPSHOT,
  keepAvatarSessionAlive,
  type AvatarKeepAliveErrorKind,
  type AvatarSessionEndReason,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
  type AvatarSessionStore,
} from '../core/index'
import { SessionStatusBadge, type SessionStatusBadgeProps } from '../SessionStatusBadge'
import { FAKE_TIMERS } from './keepAliveTestUtils'

const ID = 's1'
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0)

// Written out rather than imported, so a changed default label fails here.
const DEFAULT_LABELS: Record<AvatarSessionStatus, string> = {
  idle: 'Idle',
  connecting: 'Connecting…',
  alive: 'Live',
  degraded: 'Reconnecting…',
  offline: 'Offline',
  expired: 'Session ended',
  'not-found': 'Not found',
  unauthorized: 'Unauthorized',
  error: 'Error',
  stopped: 'Stopped',
}

let store: AvatarSessionStore

beforeEach(() => {
  store = createAvatarSessionStore()
})

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

/** Sets fields of a session's snapshot through its zustand store, inside `act`. */
const put = (patch: Partial<AvatarSessionSnapshot>, sessionId = ID, into = store) =>
  act(() => into.session(sessionId).setState({ ...into.get(sessionId), ...patch }, true))

/** A snapshot of session `ID` in `status`, as a keep-alive that got there would leave it. */
function snapshotIn(status: AvatarSessionStatus, at: number): AvatarSessionSnapshot {
  const failed = (kind: AvatarKeepAliveErrorKind, httpStatus: number | null) => ({
    consecutiveFailures: 1,
    error: new AvatarKeepAliveError({ kind, httpStatus }),
  })
  const sent = { ...IDLE_SNAPSHOT, lastAttemptAt: at }
  const wasAlive = { ...sent, lastAliveAt: at }
  const snapshots: Record<AvatarSessionStatus, AvatarSessionSnapshot> = {
    idle: IDLE_SNAPSHOT,
    connecting: { ...sent, status: 'connecting' },
    alive: { ...wasAlive, status: 'alive', isAlive: true },
    degraded: { ...wasAlive, status: 'degraded', isAlive: true, ...failed('server', 500) },
    offline: { ...wasAlive, status: 'offline' },
    expired: { ...sent, status: 'expired', endReason: 'server', ...failed('expired', 410) },
    'not-found': {
      ...sent,
      status: 'not-found',
      endReason: 'not-found',
      ...failed('not-found', 404),
    },
    unauthorized: { ...sent, status: 'unauthorized', ...failed('unauthorized', 401) },
    error: { ...sent, status: 'error', ...failed('bad-request', 400) },
    stopped: { ...wasAlive, status: 'stopped' },
  }
  return snapshots[status]
}

/** Puts session `ID` in `status`, inside `act`. */
function reach(status: AvatarSessionStatus, at = Date.now()): void {
  act(() => store.session(ID).setState(snapshotIn(status, at), true))
}

/** Renders the badge under a Profiler; `commits()` counts the badge's renders. */
function renderBadge(props: Partial<SessionStatusBadgeProps> = {}) {
  let commits = 0
  const ui = (next: Partial<SessionStatusBadgeProps>): ReactNode => (
    <Profiler id="badge" onRender={() => commits++}>
      <SessionStatusBadge sessionId={ID} store={store} {...next} />
    </Profiler>
  )
  const view = render(ui(props))
  return {
    ...view,
    badge: () => screen.getByRole('status'),
    commits: () => commits,
    rerenderWith: (next: Partial<SessionStatusBadgeProps>) => view.rerender(ui(next)),
  }
}

/** Routine keep-alives on a live session: each attempt and success is its own store update. */
const pings = (count: number, from: number) => {
  for (let i = 0; i < count; i++) {
    put({ lastAttemptAt: from + i * 10_000 })
    put({ status: 'alive', isAlive: true, lastAliveAt: from + i * 10_000 + 50 })
  }
}

describe('every status', () => {
  test('the default labels cover exactly the known statuses', () => {
    expect(Object.keys(DEFAULT_LABELS).sort()).toEqual([...AVATAR_SESSION_STATUSES].sort())
  })

  test.each(AVATAR_SESSION_STATUSES)(
    '%s → data-state, text label, polite atomic live region, hidden dot',
    (status) => {
      const { badge } = renderBadge()
      reach(status)
      const el = badge()
      expect(el.tagName).toBe('SPAN')
      expect(el.getAttribute('data-state')).toBe(status)
      expect(el.textContent).toBe(DEFAULT_LABELS[status])
      expect(el.getAttribute('aria-live')).toBe('polite')
      expect(el.getAttribute('aria-atomic')).toBe('true')
      expect(el.hasAttribute('data-avatar-keepalive-badge')).toBe(true)
      const dot = el.querySelector('[data-part="dot"]')
      expect(dot?.getAttribute('aria-hidden')).toBe('true')
      expect(dot?.textContent).toBe('')
      expect(el.querySelector('[data-part="label"]')?.textContent).toBe(DEFAULT_LABELS[status])
      expect(el.querySelector('[data-part="last-ping"]')).toBeNull()
    },
  )

  test('follows the store from status to status in place', () => {
    const { badge } = renderBadge()
    const el = badge()
    for (const status of ['connecting', 'alive', 'degraded', 'alive', 'expired'] as const) {
      put({ status })
      expect(badge()).toBe(el)
      expect(el.getAttribute('data-state')).toBe(status)
      expect(el.textContent).toBe(DEFAULT_LABELS[status])
    }
  })
})

describe('labels', () => {
  test('`labels` overrides some statuses; the rest keep their default', () => {
    const { badge } = renderBadge({ labels: { alive: 'Online', degraded: 'Flaky' } })
    expect(badge().textContent).toBe('Idle')
    reach('alive')
    expect(badge().textContent).toBe('Online')
    reach('degraded')
    expect(badge().textContent).toBe('Flaky')
    reach('expired')
    expect(badge().textContent).toBe('Session ended')
  })

  test('`getLabel` wins over `labels` and receives the status', () => {
    const getLabel = vi.fn((status: AvatarSessionStatus) => `Avatar ${status}`)
    const { badge } = renderBadge({ labels: { alive: 'Online' }, getLabel })
    reach('alive')
    expect(badge().textContent).toBe('Avatar alive')
    expect(getLabel).toHaveBeenLastCalledWith('alive')
    reach('unauthorized')
    expect(badge().textContent).toBe('Avatar unauthorized')
  })

  // An empty label left a status region with no name and no text, only the dot's colour to tell
  // the status (WCAG 1.4.1), and an ended session's `title` became its name.
  test('an empty label, from `labels` or `getLabel`, keeps the next one in line', () => {
    const { badge, rerenderWith } = renderBadge({ labels: { alive: '', expired: '' } })
    reach('alive')
    expect(screen.getByRole('status', { name: 'Live' }).textContent).toBe('Live')
    reach('expired')
    expect(screen.getByRole('status', { name: 'Session ended' }).textContent).toBe('Session ended')
    rerenderWith({ labels: { expired: 'Over' }, getLabel: () => '' })
    expect(badge().getAttribute('aria-label')).toBe('Over')
    expect(badge().textContent).toBe('Over')
  })
})

describe('re-renders', () => {
  test('routine pings do not re-render the badge; a status change renders once', () => {
    const { badge, commits } = renderBadge()
    expect(commits()).toBe(1)
    put({ status: 'connecting', lastAttemptAt: T0 - 1000 })
    expect(commits()).toBe(2)
    put({ status: 'alive', isAlive: true, lastAliveAt: T0 - 950 })
    const afterAlive = commits()
    expect(afterAlive).toBe(3)
    pings(20, T0)
    expect(store.get(ID).lastAliveAt).toBe(T0 + 190_050)
    expect(commits()).toBe(afterAlive)
    put({ status: 'degraded', error: new AvatarKeepAliveError({ kind: 'timeout' }) })
    expect(badge().getAttribute('data-state')).toBe('degraded')
    expect(commits()).toBe(afterAlive + 1)
  })

  test('another session changing does not re-render the badge', () => {
    const { commits } = renderBadge()
    put({ status: 'connecting' }, 's2')
    put({ status: 'expired', endReason: 'ended' }, 's2')
    expect(commits()).toBe(1)
  })

  test('without showLastPing no timer runs', () => {
    vi.useFakeTimers(FAKE_TIMERS)
    renderBadge()
    reach('alive')
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('showLastPing', () => {
  beforeEach(() => {
    vi.useFakeTimers(FAKE_TIMERS)
    vi.setSystemTime(T0)
  })

  const lastPing = () => screen.getByRole('status').querySelector('[data-part="last-ping"]')

  test('"last ping N s ago", updated each second, aria-hidden, exact time as title', async () => {
    const { badge } = renderBadge({ showLastPing: true })
    reach('alive', T0)
    expect(lastPing()?.textContent).toBe('last ping 0 s ago')
    expect(lastPing()?.getAttribute('aria-hidden')).toBe('true')
    expect(lastPing()?.getAttribute('title')).toBe(new Date(T0).toLocaleString())
    await act(() => vi.advanceTimersByTimeAsync(1000))
    expect(lastPing()?.textContent).toBe('last ping 1 s ago')
    await act(() => vi.advanceTimersByTimeAsync(2000))
    expect(lastPing()?.textContent).toBe('last ping 3 s ago')
    // The label stays the only announced text of the live region.
    expect(badge().querySelector('[data-part="label"]')?.textContent).toBe('Live')
    expect(badge().textContent).toBe('Live last ping 3 s ago')
  })

  test('a new ping resets the count and moves the title', async () => {
    renderBadge({ showLastPing: true })
    reach('alive', T0)
    await act(() => vi.advanceTimersByTimeAsync(9000))
    expect(lastPing()?.textContent).toBe('last ping 9 s ago')
    await act(() => vi.advanceTimersByTimeAsync(1000))
    put({ lastAliveAt: T0 + 10_000 })
    expect(lastPing()?.textContent).toBe('last ping 0 s ago')
    expect(lastPing()?.getAttribute('title')).toBe(new Date(T0 + 10_000).toLocaleString())
    await act(() => vi.advanceTimersByTimeAsync(2000))
    expect(lastPing()?.textContent).toBe('last ping 2 s ago')
  })

  test('keeps counting after the session halts, from the last success', async () => {
    renderBadge({ showLastPing: true })
    reach('alive', T0)
    await act(() => vi.advanceTimersByTimeAsync(5000))
    put({ status: 'expired', isAlive: false, endReason: 'server' })
    await act(() => vi.advanceTimersByTimeAsync(2000))
    expect(screen.getByRole('status').textContent).toBe('Session ended last ping 7 s ago')
  })

  test('shows nothing and runs no timer before the first success', async () => {
    const { badge, commits } = renderBadge({ showLastPing: true })
    reach('connecting', T0)
    const before = commits()
    await act(() => vi.advanceTimersByTimeAsync(5000))
    expect(lastPing()).toBeNull()
    expect(badge().textContent).toBe('Connecting…')
    expect(vi.getTimerCount()).toBe(0)
    expect(commits()).toBe(before)
    put({ status: 'alive', isAlive: true, lastAliveAt: T0 + 5000 })
    expect(lastPing()?.textContent).toBe('last ping 0 s ago')
    expect(vi.getTimerCount()).toBe(1)
    await act(() => vi.advanceTimersByTimeAsync(1000))
    expect(lastPing()?.textContent).toBe('last ping 1 s ago')
  })

  test('one interval while shown, cleared on unmount', () => {
    const { unmount } = renderBadge({ showLastPing: true })
    reach('alive', T0)
    expect(vi.getTimerCount()).toBe(1)
    unmount()
    expect(vi.getTimerCount()).toBe(0)
  })

  test('a badge switched to another session shows that session’s age at once', async () => {
    const { rerenderWith } = renderBadge({ showLastPing: true })
    reach('alive', T0)
    await act(() => vi.advanceTimersByTimeAsync(5_900))
    put({ status: 'stopped', lastAliveAt: Date.now() - 2_000 }, 's2')
    rerenderWith({ sessionId: 's2', showLastPing: true })
    expect(lastPing()?.textContent).toBe('last ping 2 s ago')
  })

  test('a first success heard long after the badge came shows its age at once', async () => {
    renderBadge({ showLastPing: true })
    reach('connecting', T0)
    await act(() => vi.advanceTimersByTimeAsync(600_000))
    // Another tab's keep-alive, heard late.
    put({ status: 'alive', isAlive: true, lastAliveAt: Date.now() - 10_000 })
    expect(lastPing()?.textContent).toBe('last ping 10 s ago')
  })

  test('turning showLastPing off clears the interval and the text; on again restarts it', async () => {
    const { rerenderWith, commits } = renderBadge({ showLastPing: true })
    reach('alive', T0)
    expect(vi.getTimerCount()).toBe(1)
    rerenderWith({ showLastPing: false })
    expect(vi.getTimerCount()).toBe(0)
    expect(lastPing()).toBeNull()
    const before = commits()
    await act(() => vi.advanceTimersByTimeAsync(5000))
    expect(commits()).toBe(before)
    rerenderWith({ showLastPing: true })
    expect(vi.getTimerCount()).toBe(1)
    expect(lastPing()?.textContent).toBe('last ping 5 s ago')
  })
})

describe('props and ref', () => {
  test('forwards the ref to the outer span', () => {
    const ref = createRef<HTMLSpanElement>()
    render(<SessionStatusBadge ref={ref} sessionId={ID} store={store} />)
    expect(ref.current).toBeInstanceOf(HTMLSpanElement)
    expect(ref.current).toBe(screen.getByRole('status'))
  })

  test('spreads user props last: className, id, data-*, aria overrides, handlers', () => {
    const onClick = vi.fn()
    render(
      <SessionStatusBadge
        sessionId={ID}
        store={store}
        className="my-badge"
        id="avatar-status"
        data-testid="badge"
        data-tone="custom"
        aria-label="Avatar connection: idle"
        aria-live="assertive"
        onClick={onClick}
      />,
    )
    const el = screen.getByRole('status', { name: 'Avatar connection: idle' })
    expect(el).toBe(screen.getByTestId('badge'))
    expect(el.className).toBe('my-badge')
    expect(el.id).toBe('avatar-status')
    expect(el.getAttribute('data-tone')).toBe('custom')
    expect(el.getAttribute('aria-live')).toBe('assertive')
    expect(el.getAttribute('data-state')).toBe('idle')
    fireEvent.click(el)
    expect(onClick).toHaveBeenCalledTimes(1)
  })

  test('does not leak its own props to the DOM', () => {
    render(
      <SessionStatusBadge
        sessionId={ID}
        store={store}
        labels={{ idle: 'Waiting' }}
        getLabel={() => 'Waiting'}
        showLastPing={false}
      />,
    )
    const names = screen.getByRole('status').getAttributeNames().sort()
    expect(names).toEqual([
      'aria-atomic',
      'aria-label',
      'aria-live',
      'data-avatar-keepalive-badge',
      'data-state',
      'role',
    ])
  })
})

describe('no session', () => {
  test.each([null, undefined, ''])('sessionId %j → Idle, whatever the store holds', (id) => {
    put({ status: 'alive', isAlive: true, lastAliveAt: Date.now() }, '')
    put({ status: 'connecting' })
    render(<SessionStatusBadge sessionId={id} store={store} showLastPing />)
    const el = screen.getByRole('status')
    expect(el.getAttribute('data-state')).toBe('idle')
    expect(el.textContent).toBe('Idle')
  })

  test('without `store` it reads the shared avatarSessionStore', () => {
    render(<SessionStatusBadge sessionId="shared-1" />)
    expect(screen.getByRole('status').textContent).toBe('Idle')
    try {
      put({ status: 'connecting' }, 'shared-1', avatarSessionStore)
      expect(screen.getByRole('status').getAttribute('data-state')).toBe('connecting')
    } finally {
      act(() => avatarSessionStore.clearAll())
    }
    expect(screen.getByRole('status').getAttribute('data-state')).toBe('idle')
  })
})

describe('a session cleared from the store while shown', () => {
  test('is freed once its badge goes', () => {
    const { rerenderWith } = renderBadge()
    reach('expired')
    const entry = store.session(ID)
    act(() => store.clearSession(ID))
    expect(store.session(ID)).toBe(entry)
    rerenderWith({ sessionId: null })
    expect(store.session(ID)).not.toBe(entry)
  })

  test('kept again, still shows in a new badge once the old one goes', async () => {
    vi.useFakeTimers(FAKE_TIMERS)
    const answers = [200, 500]
    const fetch = async () => Response.json({ success: true }, { status: answers.shift() ?? 200 })
    const old = renderBadge()
    reach('expired')
    act(() => store.clearSession(ID))
    const keepAlive = keepAvatarSessionAlive(ID, 'token-1', { store, fetch, interval: 1_000 })
    old.unmount()
    await act(() => vi.advanceTimersByTimeAsync(0))
    const { badge } = renderBadge()
    expect(badge().textContent).toBe('Live')
    await act(() => vi.advanceTimersByTimeAsync(1_000))
    expect(badge().textContent).toBe('Reconnecting…')
    expect(store.get(ID).status).toBe('degraded')
    keepAlive.stop()
  })
})

describe('why the session ended, as a title', () => {
  // Written out rather than imported, so a changed text fails here.
  test.each<[AvatarSessionEndReason, string]>([
    ['server', 'Ended by the server'],
    ['not-found', 'The server does not know this session'],
    ['ended', 'Ended by the app'],
    ['page-hide', 'Ended as the page closed'],
    ['hidden-timeout', 'Ended: the page was hidden too long'],
    ['idle-timeout', 'Ended: no activity'],
    ['missed', 'Lost: keep-alives were missed'],
  ])('endReason %s → %j', (endReason, title) => {
    const { badge } = renderBadge()
    put({ status: endReason === 'not-found' ? 'not-found' : 'expired', endReason })
    expect(badge().getAttribute('title')).toBe(title)
  })

  test('an idle-timeout: "Ended: no activity", while the label stays "Session ended"', () => {
    const { badge } = renderBadge()
    put({ status: 'expired', endReason: 'idle-timeout' })
    expect(badge().getAttribute('title')).toBe('Ended: no activity')
    expect(badge().textContent).toBe('Session ended')
  })

  test.each([
    ['frozen', 312_000, 'Lost after 312 s without a keep-alive: the page was frozen'],
    ['hidden', 45_400, 'Lost after 45 s without a keep-alive: the page was hidden'],
    ['offline', 61_600, 'Lost after 62 s without a keep-alive: the page was offline'],
  ] as const)('missed while %s for %i ms → %j', (cause, silentFor, title) => {
    const { badge } = renderBadge()
    put({ status: 'expired', endReason: 'missed', missed: { cause, silentFor } })
    expect(badge().getAttribute('title')).toBe(title)
  })

  test('no title while the session has not ended', () => {
    const { badge } = renderBadge()
    for (const status of ['connecting', 'alive', 'degraded', 'unauthorized', 'stopped'] as const) {
      reach(status)
      expect(badge().hasAttribute('title')).toBe(false)
    }
  })

  test('the title goes when the session is cleared', () => {
    const { badge } = renderBadge()
    put({ status: 'expired', endReason: 'ended' })
    expect(badge().getAttribute('title')).toBe('Ended by the app')
    act(() => store.clearSession(ID))
    expect(badge().hasAttribute('title')).toBe(false)
    expect(badge().textContent).toBe('Idle')
  })

  test('a `title` prop wins over it', () => {
    const { badge, rerenderWith } = renderBadge({ title: 'Avatar connection' })
    expect(badge().getAttribute('title')).toBe('Avatar connection')
    put({ status: 'expired', endReason: 'idle-timeout' })
    expect(badge().getAttribute('title')).toBe('Avatar connection')
    rerenderWith({})
    expect(badge().getAttribute('title')).toBe('Ended: no activity')
  })

  test('the last ping keeps its own title', () => {
    vi.useFakeTimers(FAKE_TIMERS)
    vi.setSystemTime(T0)
    const { badge } = renderBadge({ showLastPing: true })
    reach('alive', T0)
    put({ status: 'expired', isAlive: false, endReason: 'hidden-timeout' })
    expect(badge().getAttribute('title')).toBe('Ended: the page was hidden too long')
    const lastPing = badge().querySelector('[data-part="last-ping"]')
    expect(lastPing?.getAttribute('title')).toBe(new Date(T0).toLocaleString())
  })

  test('a routine ping does not re-render for the end reason', () => {
    const { commits } = renderBadge()
    reach('alive', T0)
    const before = commits()
    pings(5, T0)
    expect(commits()).toBe(before)
  })
})
