import { act } from 'react'
import { expect, test } from 'vitest'
import { byTestId, mountApp, navigate, wait } from './render'

function press(key: string): Promise<void> {
  return act(async () => {
    document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }))
  })
}

test('the panel tabs follow the ARIA tabs pattern', async () => {
  const host = await mountApp('#/story/hook-healthy')
  const tablist = host.querySelector('[role="tablist"]')
  expect([...(tablist?.children ?? [])].map((child) => child.getAttribute('role'))).toEqual([
    'tab',
    'tab',
    'tab',
  ])
  const selected = () => host.querySelector('[role="tab"][aria-selected="true"]')
  const tabStops = () => [...host.querySelectorAll('[role="tab"][tabindex="0"]')]

  byTestId(host, 'tab-requests')?.focus()
  for (const [key, id] of [
    ['ArrowRight', 'tab-settings'],
    ['ArrowRight', 'tab-controls'],
    ['ArrowLeft', 'tab-settings'],
    ['Home', 'tab-controls'],
    ['End', 'tab-settings'],
  ] as const) {
    await press(key)
    expect(document.activeElement).toBe(byTestId(host, id))
    expect(selected()).toBe(byTestId(host, id))
    expect(tabStops()).toEqual([byTestId(host, id)])
  }
})

test('no heading skips a level after the canvas title', async () => {
  const host = await mountApp('#/story/hook-healthy')
  await act(async () => byTestId(host, 'tab-settings')?.click())
  const levels = [
    ...host.querySelectorAll(
      'main h1, main h2, main h3, main h4, [role="tabpanel"]:not([hidden]) :is(h1, h2, h3, h4)',
    ),
  ].map((heading) => Number(heading.tagName[1]))
  expect(levels[0]).toBe(1)
  for (const [index, level] of levels.entries()) {
    expect(
      level - (levels[index - 1] ?? 0),
      `heading ${index}: levels ${levels.join(' ')}`,
    ).toBeLessThanOrEqual(1)
  }
})

test('an out-of-range arg in the URL still shows the app and the story', async () => {
  const host = await mountApp('#/story/scenario-flaky-server?failureRate=2')
  expect(host.querySelector('nav[aria-label="Stories"]')).not.toBeNull()
  expect(byTestId(host, 'session-card')).not.toBeNull()
  expect(byTestId(host, 'story-error')).toBeNull()
})

test('a malformed deep link shows "No such story", and the next link works', async () => {
  const host = await mountApp('#/story/%E0%A4%A')
  expect(host.querySelector('main h1')?.textContent).toBe('No such story')
  expect(host.querySelector('nav[aria-label="Stories"]')).not.toBeNull()
  await navigate('#/story/hook-healthy')
  expect(byTestId(host, 'canvas')?.dataset.story).toBe('hook-healthy')
})

test('with ?mock=off the mode pill does not claim a mock', async () => {
  const host = await mountApp('#/story/hook-healthy', { state: 'stopped' })
  expect(byTestId(host, 'mode-indicator')?.textContent).toBe('No mock')
})

test('the page title names the story', async () => {
  const host = await mountApp('#/story/scenario-flaky-server')
  expect(document.title).toMatch(/^Scenarios \/ /)
  expect(document.title).toContain(host.querySelector('main h1')?.textContent)
  await navigate('#/story/nope')
  expect(document.title).toMatch(/^No such story/)
})

test('the first heading is the h1, and a skip link leads to the story', async () => {
  const host = await mountApp('#/story/hook-healthy')
  expect(host.querySelector('h1, h2, h3, h4')?.tagName).toBe('H1')
  const skip = host.querySelector('a')
  expect(skip?.textContent).toBe('Skip to the story')
  // Followed, href="#canvas" would replace the route: the click must not navigate.
  const click = new MouseEvent('click', { bubbles: true, cancelable: true })
  await act(async () => skip?.dispatchEvent(click))
  expect(click.defaultPrevented).toBe(true)
  expect(document.activeElement).toBe(byTestId(host, 'canvas'))
  expect(window.location.hash).toBe('#/story/hook-healthy')
})

test('a radio group control is named by its arg', async () => {
  const host = await mountApp('#/story/hook-many-consumers')
  const group = host.querySelector('[role="radiogroup"][data-testid^="control-"]')
  const names = (group?.getAttribute('aria-labelledby') ?? '').split(' ')
  expect(names.map((id) => document.getElementById(id)?.textContent).join(' ')).toBe('sessions')
  for (const label of host.querySelectorAll('label[for]')) {
    expect(document.getElementById(label.getAttribute('for') ?? '')?.tagName).toMatch(
      /^(INPUT|SELECT|TEXTAREA|OUTPUT|BUTTON)$/,
    )
  }
})

test('fractions in the URL are rounded: the count matches what renders', async () => {
  const host = await mountApp('#/story/hook-many-consumers?hookUsers=2.5&badges=7.5')
  const users = host.querySelectorAll('[data-testid="hook-user"]').length
  const badges = byTestId(host, 'badge-wall')?.children.length ?? 0
  expect(users).toBe(3)
  expect(host.querySelector('.stats__value')?.textContent).toBe(String(users + badges))
})

test('a session that ended says, beside Controls, that Restart applies the new args', async () => {
  const host = await mountApp('#/story/scenario-flaky-server?failureRate=1&failure=404')
  await act(async () => byTestId(host, 'tab-controls')?.click())
  await wait(150)
  expect(byTestId(host, 'hook-status')?.textContent).toBe('not-found')
  await navigate('#/story/scenario-flaky-server?failureRate=1&failure=500')
  await wait(150)
  const hint = byTestId(host, 'stopped-hint')
  expect(hint?.textContent).toMatch(/not-found.*Restart story/)
  await act(async () => hint?.querySelector('button')?.click())
  await wait(150)
  expect(byTestId(host, 'stopped-hint')).toBeNull()
  expect(byTestId(host, 'hook-status')?.textContent).toBe('degraded')
})
