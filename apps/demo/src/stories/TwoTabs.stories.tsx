import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  isTerminalStatus,
  SessionStatusBadge,
  useAvatarKeepAlive,
  useSessionStatus,
} from 'react-avatar-keepalive'
import { keepAliveUrl } from 'react-avatar-keepalive/core'
import { EventList } from '../components/EventList'
import { formatTime } from '../components/format'
import { useEventLog } from '../components/useEventLog'
import { api, MOCK_SESSIONS, type MockSessionId } from '../mock/api'
import type { Meta, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { offerConnection } from '../story/handoff'
import { intervalArg } from './args'

interface Args {
  interval: number
  crossTab: boolean
}

const SESSION: MockSessionId = 'session-tabs'

/** This window, as the story names it (random per page load). */
const TAB_NAME = `tab ${Math.random().toString(16).slice(2, 6)}`

// In mock mode every page has its own mock server (msw answers each page's requests in that page).
// The pages of this story link theirs into one server: a keep-alive answered by one tab's mock
// refreshes the session in the others' mocks (else a tab that takes over would find its own mock's
// session timed out, and get 410), and an end in one ends it in all.
const MOCK_LINK = 'react-avatar-keepalive demo: mock server of session-tabs'
type MockNews = 'alive' | 'ended'

function linkMockServers(): () => void {
  const channel = new BroadcastChannel(MOCK_LINK)
  channel.onmessage = ({ data }: MessageEvent<MockNews>) => {
    if (data === 'ended') api.end(SESSION)
    else if (data === 'alive' && !api.isEnded(SESSION))
      api.addSession(SESSION, MOCK_SESSIONS[SESSION])
  }
  const unsubscribe = api.subscribe((entry) => {
    if (entry?.sessionId !== SESSION || entry.status === 'pending') return
    if (entry.endpoint === 'keep-alive' && entry.status === 200) channel.postMessage('alive')
    else if (entry.status === 410 || (entry.endpoint === 'end' && entry.status === 200)) {
      channel.postMessage('ended')
    }
  })
  return () => {
    unsubscribe()
    channel.close()
  }
}

function endOnEveryMock(): void {
  api.end(SESSION)
  const channel = new BroadcastChannel(MOCK_LINK)
  channel.postMessage('ended' satisfies MockNews)
  channel.close()
}

/** What the browser's lock manager says about the session's lock (polled: it has no events). */
function useLockState(name: string): { held: number; waiting: number } | null {
  const [state, setState] = useState<{ held: number; waiting: number } | null>(null)
  useEffect(() => {
    const locks = typeof navigator === 'object' ? navigator.locks : undefined
    if (!locks) return
    let live = true
    const read = (): void =>
      void locks.query().then(({ held = [], pending = [] }) => {
        if (!live) return
        const count = (list: LockInfo[]) => list.filter((lock) => lock.name === name).length
        const next = { held: count(held), waiting: count(pending) }
        setState((previous) =>
          previous?.held === next.held && previous.waiting === next.waiting ? previous : next,
        )
      })
    read()
    const timer = setInterval(read, 500)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [name])
  return state
}

type Role = 'sends' | 'follows' | 'waiting' | 'ended' | 'off'

/**
 * The hook records a keep-alive's `lastAttemptAt` a moment before it calls `fetch`, so for that
 * moment the sending tab looks like a follower: a tab that sends is shown as following only once
 * that has lasted 300 ms.
 */
function useSettledRole(seen: Role): Role {
  const [settled, setSettled] = useState(seen)
  const delayed = seen === 'follows' && settled === 'sends'
  // Any other change shows at once (state adjusted while rendering, as React recommends).
  if (!delayed && settled !== seen) setSettled(seen)
  useEffect(() => {
    if (!delayed) return
    const timer = setTimeout(() => setSettled(seen), 300)
    return () => clearTimeout(timer)
  }, [seen, delayed])
  return delayed ? settled : seen
}

const ROLE_TEXT: Record<Role, string> = {
  sends: 'This tab sends',
  follows: 'Another tab sends',
  waiting: 'Waiting for the first keep-alive',
  ended: 'Nobody sends: the session has ended',
  off: 'This tab keeps nothing (enabled: false)',
}

function TwoTabs({ interval, crossTab }: Args) {
  const demo = useDemo()
  const { sessionId, token } = demo.session(SESSION)
  const log = useEventLog()
  const [enabled, setEnabled] = useState(true)

  // This page's own keep-alives, counted by wrapping the `fetch` the hook sends them with.
  const [own, setOwn] = useState<{ count: number; last: number | null }>({ count: 0, last: null })
  const demoFetch = demo.options.fetch ?? fetch
  const countingFetch = useCallback<typeof fetch>(
    (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (/\/keep-alive(\?|$)/.test(url)) {
        const at = Date.now()
        setOwn((previous) => ({ count: previous.count + 1, last: at }))
      }
      return demoFetch(input, init)
    },
    [demoFetch],
  )

  const keepAlive = useAvatarKeepAlive(sessionId, token, {
    ...demo.options,
    fetch: countingFetch,
    interval,
    crossTab,
    enabled,
    onStatusChange: log.onStatusChange,
    onError: log.onError,
    onExpired: (reason) => log.note(`onExpired: the session ended (${reason ?? 'unknown'})`),
  })
  const snapshot = useSessionStatus(sessionId, { store: demo.store })

  const seen: Role = !enabled
    ? 'off'
    : isTerminalStatus(snapshot.status)
      ? 'ended'
      : own.last !== null && snapshot.lastAttemptAt !== null && own.last >= snapshot.lastAttemptAt
        ? 'sends'
        : snapshot.lastAttemptAt === null
          ? 'waiting'
          : 'follows'
  const role = useSettledRole(seen)
  const previousRole = useRef<Role>(role)
  const { note } = log
  useEffect(() => {
    const before = previousRole.current
    previousRole.current = role
    if (role === before) return
    if (role === 'sends' && before === 'follows') note('This tab took over: it sends from now on')
    else if (role === 'follows' && before === 'sends')
      note('Another tab sends now; this one listens')
  }, [role, note])

  // The package's lock name: the session's keep-alive URL as fetch resolves it.
  const lockName = `react-avatar-keepalive ${new URL(keepAliveUrl(sessionId, demo.options.baseUrl), document.baseURI).href}`
  const lock = useLockState(lockName)
  const shared = !!demo.store.crossTab && crossTab

  // New windows of this story; in real mode they get this window's endpoint and token on request.
  const children = useRef(new Set<Window>())
  const real = useMemo(
    () =>
      demo.mode === 'real'
        ? { mode: 'real' as const, baseUrl: demo.options.baseUrl, sessionId, token }
        : null,
    [demo.mode, demo.options.baseUrl, sessionId, token],
  )
  useEffect(() => (real ? offerConnection(children.current, real) : undefined), [real])
  const openWindow = (): void => {
    const child = window.open(window.location.href, '_blank', 'popup,width=1200,height=860')
    if (child) children.current.add(child)
    else note('The browser blocked the new window: open this page in a new tab yourself.')
  }

  return (
    <div className="stack">
      <section className="card session-card" data-testid="session-card" data-session={sessionId}>
        <header className="card__header">
          <h2>
            This window: <code data-testid="tab-name">{TAB_NAME}</code> · session{' '}
            <code>{sessionId}</code>
          </h2>
          <SessionStatusBadge sessionId={sessionId} store={demo.store} showLastPing />
        </header>
        <p className="tab-role" data-testid="tab-role" data-role={role}>
          {ROLE_TEXT[role]}
        </p>
        <dl className="facts facts--four">
          <div>
            <dt>status</dt>
            <dd data-testid="hook-status">{keepAlive.status}</dd>
          </div>
          <div>
            <dt>keep-alives sent by this tab</dt>
            <dd data-testid="own-keep-alives">{own.count}</dd>
          </div>
          <div>
            <dt>last sent by this tab</dt>
            <dd>{own.last === null ? '—' : formatTime(own.last)}</dd>
          </div>
          <div>
            <dt>last keep-alive (any tab)</dt>
            <dd data-testid="last-attempt">
              {snapshot.lastAttemptAt === null ? '—' : formatTime(snapshot.lastAttemptAt)}
            </dd>
          </div>
          <div>
            <dt>last success (any tab)</dt>
            <dd>{snapshot.lastAliveAt === null ? '—' : formatTime(snapshot.lastAliveAt)}</dd>
          </div>
          <div>
            <dt>lock held</dt>
            <dd data-testid="lock-held">
              {!shared ? 'not used' : lock === null ? '…' : lock.held > 0 ? 'yes' : 'no'}
            </dd>
          </div>
          <div>
            <dt>tabs waiting for the lock</dt>
            <dd data-testid="lock-waiting">{!shared || lock === null ? '—' : lock.waiting}</dd>
          </div>
          <div className="facts__error">
            <dt>error</dt>
            <dd data-testid="hook-error">{keepAlive.error ? keepAlive.error.message : '—'}</dd>
          </div>
        </dl>
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={openWindow}
            data-testid="open-second-tab"
          >
            Open this session in a new window
          </button>
          <button
            type="button"
            aria-pressed={!enabled}
            onClick={() => setEnabled((on) => !on)}
            data-testid="toggle-enabled"
          >
            {enabled ? 'Let go in this tab (enabled: false)' : 'Keep it again (enabled: true)'}
          </button>
          <button type="button" onClick={() => void keepAlive.ping()}>
            Ping now
          </button>
          <button type="button" onClick={endOnEveryMock} disabled={demo.mode !== 'mock'}>
            End the session on the server now
          </button>
        </div>
        {!demo.store.crossTab && (
          <p className="hint">
            This browser lacks Web Locks or <code>BroadcastChannel</code>: every tab pings on its
            own.
          </p>
        )}
        <p className="hint">
          Lock: <code>{lockName}</code>. The Requests tab lists this page&rsquo;s own requests only
          {demo.mode === 'mock' ? ' (each page has its own mock server)' : ''}.
        </p>
        <EventList events={log.events} />
      </section>
    </div>
  )
}

export default {
  title: 'Scenarios/Two tabs',
  id: 'scenario-two-tabs',
  component: TwoTabs,
  args: { interval: 2000, crossTab: true },
  argTypes: {
    interval: intervalArg,
    crossTab: {
      description:
        '`crossTab`: `true` lets one tab send for every tab of this browser; `false` makes each tab ping on its own',
    },
  },
  beforeEach: linkMockServers,
  parameters: {
    crossTab: true,
    docs: {
      description: {
        component:
          'Open this session in a second window and watch who sends. Tabs of one origin that keep the same session id against the same base URL elect one leader with the Web Locks API (a lock named after the base URL and the session id): it sends the keep-alives and shares its state over a `BroadcastChannel`, so every tab shows the same status and last ping while the others send nothing. Close the leader, let go in it (`enabled: false`) or unmount it, and another tab takes over and pings at once (never closer than 1 s to the last keep-alive). A leader that goes silent (a frozen or blocked page) is replaced after 1.5 intervals without news (below a 3.5 s interval, the interval and 1.75 s), and steps down when it wakes. A 410 or 404 seen by any tab ends the session in all of them. `crossTab: false` opts out: each tab pings on its own. With a real endpoint, the new window gets the endpoint and token from this one in memory (`postMessage`), never through the URL.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
