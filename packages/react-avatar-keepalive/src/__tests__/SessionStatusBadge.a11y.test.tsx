import { act, cleanup, render } from '@testing-library/react'
import axe from 'axe-core'
import { afterEach, expect, test } from 'vitest'
import { AvatarKeepAliveError } from '../core/AvatarKeepAliveError'
import { AVATAR_SESSION_STATUSES, type AvatarSessionStatus } from '../core/AvatarSessionStatus'
import { createAvatarSessionStore } from '../core/createAvatarSessionStore'
import { SessionStatusBadge, type SessionStatusBadgeProps } from '../SessionStatusBadge'

const ID = 's1'

afterEach(() => cleanup())

/** The store actions that lead session `ID` to each status. */
const STEPS: Record<AvatarSessionStatus, string[]> = {
  idle: [],
  connecting: ['attempt'],
  alive: ['attempt', 'success'],
  degraded: ['attempt', 'server'],
  offline: ['attempt', 'success', 'offline'],
  expired: ['attempt', 'expired'],
  'not-found': ['attempt', 'not-found'],
  unauthorized: ['attempt', 'unauthorized'],
  error: ['attempt', 'bad-request'],
  stopped: ['attempt', 'success', 'stop'],
}

function storeIn(status: AvatarSessionStatus) {
  const store = createAvatarSessionStore()
  const s = store.getState()
  for (const step of STEPS[status]) {
    if (step === 'attempt') s.recordAttempt(ID, Date.now() - 3000)
    else if (step === 'success') s.recordSuccess(ID, Date.now() - 3000)
    else if (step === 'offline') s.recordOffline(ID)
    else if (step === 'stop') s.recordStop(ID)
    else
      s.recordFailure(ID, new AvatarKeepAliveError({ kind: step as AvatarKeepAliveError['kind'] }))
  }
  expect(store.getState().sessions[ID]?.status ?? 'idle').toBe(status)
  return store
}

// color-contrast needs layout and computed colours (custom properties, light-dark()), which jsdom
// does not provide: axe can only report it as "incomplete" here. styles.test.ts checks the contrast
// of every status colour pair instead.
const OPTIONS: axe.RunOptions = { rules: { 'color-contrast': { enabled: false } } }

async function violationsOf(props: SessionStatusBadgeProps & { status: AvatarSessionStatus }) {
  const { status, ...badgeProps } = props
  const { container } = render(
    <main>
      <SessionStatusBadge store={storeIn(status)} {...badgeProps} />
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

test('no session: no axe violations', async () => {
  expect(await violationsOf({ status: 'idle', sessionId: null })).toEqual([])
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
