import { act, cleanup, render, screen } from '@testing-library/react'
import axe from 'axe-core'
import { afterEach, describe, expect, test } from 'vitest'
import {
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  createAvatarSessionStore,
  IDLE_SNAPSHOT,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
} from '../core/index'
import { SessionStatusBadge, type SessionStatusBadgeProps } from '../SessionStatusBadge'

const ID = 's1'

afterEach(() => cleanup())

/** What sets each status apart in a snapshot, over an idle one. */
function fieldsOf(status: AvatarSessionStatus, at: number): Partial<AvatarSessionSnapshot> {
  const error = (kind: AvatarKeepAliveError['kind']) => ({
    consecutiveFailures: 1,
    error: new AvatarKeepAliveError({ kind }),
  })
  const fields: Record<AvatarSessionStatus, Partial<AvatarSessionSnapshot>> = {
    idle: {},
    connecting: { lastAttemptAt: at },
    alive: { lastAttemptAt: at, lastAliveAt: at, isAlive: true },
    degraded: { lastAttemptAt: at, lastAliveAt: at, isAlive: true, ...error('server') },
    offline: { lastAttemptAt: at, lastAliveAt: at },
    expired: { lastAttemptAt: at, endReason: 'server', ...error('expired') },
    'not-found': { lastAttemptAt: at, endReason: 'not-found', ...error('not-found') },
    unauthorized: { lastAttemptAt: at, ...error('unauthorized') },
    error: { lastAttemptAt: at, ...error('bad-request') },
    stopped: { lastAttemptAt: at, lastAliveAt: at },
  }
  return fields[status]
}

function storeIn(status: AvatarSessionStatus, extra: Partial<AvatarSessionSnapshot> = {}) {
  const store = createAvatarSessionStore({ crossTab: null })
  if (status !== 'idle') {
    const fields = fieldsOf(status, Date.now() - 3000)
    store.session(ID).setState({ ...IDLE_SNAPSHOT, ...fields, ...extra, status }, true)
  }
  expect(store.get(ID).status).toBe(status)
  return store
}

// color-contrast needs layout and computed colours (custom properties, light-dark()), which jsdom
// does not provide: axe can only report it as "incomplete" here. styles.test.ts checks the contrast
// of every status colour pair instead.
const OPTIONS: axe.RunOptions = { rules: { 'color-contrast': { enabled: false } } }

async function violationsOf(
  props: SessionStatusBadgeProps & {
    status: AvatarSessionStatus
    snapshot?: Partial<AvatarSessionSnapshot>
  },
) {
  const { status, snapshot, ...badgeProps } = props
  const { container } = render(
    <main>
      <SessionStatusBadge store={storeIn(status, snapshot)} {...badgeProps} />
    </main>,
  )
  let results: axe.AxeResults | undefined
  await act(async () => {
    results = await axe.run(container, OPTIONS)
  })
  const found = results!
  expect(container.querySelector('[role="status"]')?.getAttribute('data-state')).toBe(status)
  // The rules that matter for the badge did run on it.
  const passed = found.passes.map((rule) => rule.id)
  expect(passed).toEqual(
    expect.arrayContaining([
      'aria-allowed-attr',
      'aria-hidden-focus',
      'aria-prohibited-attr',
      'aria-roles',
      'aria-valid-attr-value',
    ]),
  )
  return found.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`)
}

test.each(AVATAR_SESSION_STATUSES)('%s: no axe violations', async (status) => {
  expect(await violationsOf({ status, sessionId: ID })).toEqual([])
})

test.each(AVATAR_SESSION_STATUSES)('%s with showLastPing: no axe violations', async (status) => {
  expect(await violationsOf({ status, sessionId: ID, showLastPing: true })).toEqual([])
})

test('custom labels and an aria-label: no axe violations', async () => {
  const violations = await violationsOf({
    status: 'degraded',
    sessionId: ID,
    getLabel: (s) => `Avatar: ${s}`,
    'aria-label': 'Avatar connection',
  })
  expect(violations).toEqual([])
})

test('an end reason as a title: no axe violations', async () => {
  const violations = await violationsOf({
    status: 'expired',
    sessionId: ID,
    showLastPing: true,
    snapshot: { endReason: 'missed', missed: { cause: 'hidden', silentFor: 40_000 } },
  })
  expect(violations).toEqual([])
})

test('no session: no axe violations', async () => {
  expect(await violationsOf({ status: 'idle', sessionId: null })).toEqual([])
})

// A status takes no name from its content (nor does any live region): without a name of its own,
// a screen reader's list of landmarks and regions shows it blank, or shows its title.
describe('its accessible name', () => {
  test('is its label, as the status changes', () => {
    const store = storeIn('alive')
    render(<SessionStatusBadge sessionId={ID} store={store} showLastPing />)
    expect(screen.getByRole('status', { name: 'Live' })).toBeTruthy()
    act(() => store.session(ID).setState({ ...store.get(ID), status: 'degraded' }, true))
    expect(screen.getByRole('status', { name: 'Reconnecting…' })).toBeTruthy()
  })

  test('once ended, is still its label; why it ended, the title, is its description', () => {
    render(<SessionStatusBadge sessionId={ID} store={storeIn('expired')} />)
    const badge = screen.getByRole('status', { name: 'Session ended' })
    expect(badge).toBe(screen.getByRole('status', { description: 'Ended by the server' }))
  })

  test('is the aria-label or aria-labelledby the app gives instead', () => {
    render(
      <>
        <h2 id="avatar-heading">Avatar</h2>
        <SessionStatusBadge sessionId={ID} store={storeIn('alive')} aria-label="Connection" />
        <SessionStatusBadge
          sessionId={ID}
          store={storeIn('alive')}
          aria-labelledby="avatar-heading"
        />
      </>,
    )
    expect(screen.getByRole('status', { name: 'Connection' })).toBeTruthy()
    expect(screen.getByRole('status', { name: 'Avatar' })).toBeTruthy()
  })
})

test('axe does catch a broken live region in this environment', async () => {
  const broken: Record<string, string> = {
    role: 'status',
    'aria-live': 'rude',
    'aria-atomic': 'maybe',
  }
  const { container } = render(
    <main>
      <span {...broken}>Live</span>
    </main>,
  )
  let results: axe.AxeResults | undefined
  await act(async () => {
    results = await axe.run(container, OPTIONS)
  })
  expect(results!.violations.map((v) => v.id)).toEqual(['aria-valid-attr-value'])
  expect(results!.violations[0]?.nodes).toHaveLength(1)
})
