// @vitest-environment node
import { renderToString } from 'react-dom/server'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { avatarSessionStore, createAvatarSessionStore, IDLE_SNAPSHOT } from '../core/index'
import { SessionStatusBadge } from '../SessionStatusBadge'

const IDLE_HTML =
  '<span role="status" aria-live="polite" aria-atomic="true" aria-label="Idle" ' +
  'data-avatar-keepalive-badge="" ' +
  'data-state="idle"><span data-part="dot" aria-hidden="true"></span>' +
  '<span data-part="label">Idle</span></span>'

let intervals: ReturnType<typeof vi.spyOn>

beforeEach(() => {
  expect(typeof window).toBe('undefined')
  expect(typeof document).toBe('undefined')
  intervals = vi.spyOn(globalThis, 'setInterval')
})

afterEach(() => {
  // Effects never run on the server: no ticking clock is left behind.
  expect(intervals).not.toHaveBeenCalled()
  expect(typeof window).toBe('undefined')
})

test('no session: an idle status badge', () => {
  const html = renderToString(<SessionStatusBadge sessionId={null} />)
  expect(html).toBe(IDLE_HTML)
})

test('a session id with an empty store renders idle', () => {
  const html = renderToString(
    <SessionStatusBadge sessionId="s1" store={createAvatarSessionStore()} />,
  )
  expect(html).toBe(IDLE_HTML)
})

test('showLastPing adds nothing before any ping', () => {
  const html = renderToString(
    <SessionStatusBadge sessionId="s1" store={createAvatarSessionStore()} showLastPing />,
  )
  expect(html).toBe(IDLE_HTML)
  expect(html).not.toContain('last ping')
})

test('the server renders the store as it was created, so hydration matches the first client render', () => {
  const store = createAvatarSessionStore()
  const at = Date.now() - 3000
  store.session('s1').setState(
    {
      ...IDLE_SNAPSHOT,
      status: 'expired',
      lastAttemptAt: at,
      lastAliveAt: at,
      endReason: 'idle-timeout',
    },
    true,
  )
  const html = renderToString(<SessionStatusBadge sessionId="s1" store={store} showLastPing />)
  expect(html).toContain('role="status"')
  expect(html).toContain('data-state="idle"')
  expect(html).toContain('>Idle</span>')
  expect(html).not.toContain('last ping')
  expect(html).not.toContain('title=')
})

test('a server render leaves no session behind in the store', () => {
  const store = createAvatarSessionStore()
  const session = vi.spyOn(store, 'session')
  const shared = vi.spyOn(avatarSessionStore, 'session')
  renderToString(
    <>
      <SessionStatusBadge sessionId="s1" store={store} showLastPing />
      <SessionStatusBadge sessionId="s2" />
    </>,
  )
  expect(session).not.toHaveBeenCalled()
  expect(shared).not.toHaveBeenCalled()
  expect(store.getState().sessions).toEqual({})
  expect(avatarSessionStore.getState().sessions).toEqual({})
})

test('labels, getLabel and user props render on the server too', () => {
  const html = renderToString(
    <SessionStatusBadge
      sessionId={undefined}
      labels={{ idle: 'Waiting' }}
      getLabel={(status) => `Avatar ${status}`}
      className="badge"
      aria-label="Avatar connection"
    />,
  )
  expect(html).toContain('data-state="idle"')
  expect(html).toContain('<span data-part="label">Avatar idle</span>')
  expect(html).toContain('class="badge"')
  expect(html).toContain('aria-label="Avatar connection"')
})
