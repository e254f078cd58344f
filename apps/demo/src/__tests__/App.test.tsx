import { act } from 'react'
import { expect, test } from 'vitest'
import { byTestId, mountApp } from './render'

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
