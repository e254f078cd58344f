import { act } from 'react'
import { expect, test } from 'vitest'
import { argsFromQuery, parseArg } from '../story/args'
import { REAL, realApi } from './realApi'
import { byTestId, mountStory, storyById, wait } from './render'

test('a number from the URL is clamped to its control’s min and max', () => {
  const range = { control: { type: 'range', min: 0, max: 1 } } as const
  expect(parseArg('2', range, 0.3)).toBe(1)
  expect(parseArg('-1', range, 0.3)).toBe(0)
  expect(parseArg('0.5', range, 0.3)).toBe(0.5)
  expect(parseArg('1e400', { control: 'number' }, 0)).toBeUndefined()
})

test('?badges=1e7 on Many consumers asks for no more badges than the control allows', () => {
  const { args, argTypes } = storyById('hook-many-consumers')
  expect(argsFromQuery(new URLSearchParams('badges=1e7&hookUsers=1e7'), args, argTypes)).toEqual({
    ...args,
    badges: 200,
    hookUsers: 50,
  })
})

test('an error in a story’s beforeEach shows in the canvas, not a blank page', async () => {
  const story = {
    ...storyById('hook-healthy'),
    beforeEach: [
      () => {
        throw new RangeError('the set-up failed')
      },
    ],
  }
  const host = await mountStory(story)
  expect(byTestId(host, 'story-error')?.textContent).toMatch('the set-up failed')
})

const flaky = storyById('scenario-flaky-server')

test.each([
  ['404', 'not-found'],
  ['400', 'error'],
])('Flaky server can answer %s: the session is %s', async (failure, status) => {
  expect(flaky.argTypes.failure?.options).toContain(failure)
  const host = await mountStory(flaky, { failureRate: 1, failure })
  await wait(100)
  expect(byTestId(host, 'hook-status')?.textContent).toBe(status)
})

const unattended = storyById('scenario-unattended-tab')
const SHORT = { idleTimeout: 300, idleWarning: 100, hiddenTimeout: 300 }
const ends = () => realApi.requests.filter((request) => request.endpoint === 'end')

test('on a real endpoint the timeouts are off until the user turns them on', async () => {
  const host = await mountStory(unattended, SHORT, REAL)
  expect(byTestId(host, 'real-timeouts-note')?.textContent).toMatch(/real session/)
  await wait(600)
  expect(ends()).toEqual([])
  expect(byTestId(host, 'hook-status')?.textContent).toBe('alive')

  await act(async () => byTestId(host, 'end-real-session')?.click())
  await wait(600)
  expect(ends()).toHaveLength(1)
  expect(byTestId(host, 'end-reason')?.textContent).toBe('idle-timeout')
})

test('with the mock the timeouts apply as set, with no opt-in', async () => {
  const host = await mountStory(unattended, SHORT)
  expect(byTestId(host, 'real-timeouts-note')).toBeNull()
  await wait(600)
  expect(byTestId(host, 'end-reason')?.textContent).toBe('idle-timeout')
})

test('Fractions in the URL are rounded for whole-number controls', () => {
  const { args, argTypes } = storyById('hook-many-consumers')
  const query = new URLSearchParams('hookUsers=2.5&badges=7.4')
  expect(argsFromQuery(query, args, argTypes)).toMatchObject({ hookUsers: 3, badges: 7 })
})

test('Offline keeps its simulation through a real offline → online', async () => {
  const host = await mountStory(storyById('scenario-offline'), { simulateOffline: true })
  await wait(50)
  expect(byTestId(host, 'hook-status')?.textContent).toBe('offline')
  await act(async () => {
    window.dispatchEvent(new Event('offline'))
    window.dispatchEvent(new Event('online'))
  })
  await wait(100)
  expect(byTestId(host, 'query-online')?.textContent).toBe('false (simulated)')
  expect(byTestId(host, 'hook-status')?.textContent).toBe('offline')
})
