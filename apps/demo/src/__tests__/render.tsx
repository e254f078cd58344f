import { act, type ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach } from 'vitest'
import { App } from '../App'
import type { WorkerState } from '../panels/SettingsPanel'
import type { Args } from '../story/csf'
import type { Connection } from '../story/DemoContext'
import { stories, type Story } from '../story/registry'
import { StoryHost } from '../story/StoryHost'

const mounted: { root: Root; host: HTMLElement }[] = []

export async function mount(element: ReactNode): Promise<HTMLElement> {
  const host = document.body.appendChild(document.createElement('div'))
  // An error no boundary catches unmounts the root: what the page shows then is what we test.
  const root = createRoot(host, { onUncaughtError: () => {}, onCaughtError: () => {} })
  mounted.push({ root, host })
  try {
    await act(async () => root.render(element))
  } catch {
    // act() rethrows an uncaught error; the test looks at the page instead.
  }
  return host
}

afterEach(async () => {
  for (const { root, host } of mounted.splice(0)) {
    await act(async () => root.unmount())
    host.remove()
  }
})

/** The whole demo at `#/story/…`, with the mock worker reported running unless told. */
export function mountApp(
  hash: string,
  worker: WorkerState = { state: 'running' },
): Promise<HTMLElement> {
  window.history.replaceState(null, '', `/${hash}`)
  return mount(<App initialWorker={worker} />)
}

/** Goes to `hash` as a typed URL would (a `hashchange`). */
export function navigate(hash: string): Promise<void> {
  return act(async () => {
    window.history.replaceState(null, '', `/${hash}`)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  })
}

export function storyById(id: string): Story {
  const story = stories.find((candidate) => candidate.id === id)
  if (!story) throw new Error(`no story ${id}`)
  return story
}

/** One story as the canvas mounts it, with `args` over its defaults. */
export function mountStory(
  story: Story,
  args: Args = {},
  connection: Connection = { mode: 'mock' },
): Promise<HTMLElement> {
  return mount(
    <StoryHost
      story={story}
      args={{ ...story.args, ...args }}
      connection={connection}
      updateArgs={() => {}}
      resetArgs={() => {}}
    />,
  )
}

export const wait = (ms: number): Promise<void> =>
  act(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

export const byTestId = (host: HTMLElement, id: string): HTMLElement | null =>
  host.querySelector(`[data-testid="${id}"]`)
