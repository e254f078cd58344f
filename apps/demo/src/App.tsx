import {
  useCallback,
  useEffect,
  useMemo,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react'
import { DEFAULT_KEEP_ALIVE_INTERVAL, type AvatarSessionStatus } from 'react-avatar-keepalive'
import { withoutCredentials } from './components/format'
import { Markdownish } from './components/Markdownish'
import { startMockWorker, stopMockWorker } from './mock/worker'
import { ControlsPanel } from './panels/ControlsPanel'
import { RequestsPanel } from './panels/RequestsPanel'
import { SettingsPanel, type WorkerState } from './panels/SettingsPanel'
import { argsFromQuery, queryFromArgs } from './story/args'
import { receiveConnection } from './story/handoff'
import type { Args } from './story/csf'
import type { Connection } from './story/DemoContext'
import { ErrorBoundary } from './story/ErrorBoundary'
import { groupStories, stories, type Story } from './story/registry'
import { parseRoute, replaceRoute, storyHref, useHash } from './story/route'
import { StoryHost } from './story/StoryHost'

type Tab = 'controls' | 'requests' | 'settings'
type Theme = 'auto' | 'light' | 'dark'

const TABS: { id: Tab; label: string }[] = [
  { id: 'controls', label: 'Controls' },
  { id: 'requests', label: 'Requests' },
  { id: 'settings', label: 'Settings' },
]

const groups = groupStories(stories)

const TITLE = 'react-avatar-keepalive demo'

/** The demo; an error outside a story's own boundary shows here instead of a blank page. */
export function App({ initialWorker }: { initialWorker: WorkerState }) {
  const hash = useHash()
  return (
    <ErrorBoundary
      resetKey={hash}
      hint={
        <>
          Open <a href={storyHref(stories[0]?.id ?? '')}>{stories[0]?.title}</a>, or reload.
        </>
      }
    >
      <Playground initialWorker={initialWorker} hash={hash} />
    </ErrorBoundary>
  )
}

function Playground({ initialWorker, hash }: { initialWorker: WorkerState; hash: string }) {
  const { story, args } = useMemo(() => {
    const route = parseRoute(hash)
    const found = stories.find((candidate) => candidate.id === route.storyId) ?? null
    return {
      story: found,
      args: found ? argsFromQuery(route.query, found.args, found.argTypes) : {},
    }
  }, [hash])

  const [tab, setTab] = useState<Tab>('requests')
  const [panelOpen, setPanelOpen] = useState(true)
  const [theme, setTheme] = useState<Theme>('auto')
  const [generation, setGeneration] = useState(0)
  const [worker, setWorker] = useState<WorkerState>(initialWorker)
  const [connection, setConnection] = useState<Connection>({ mode: 'mock' })
  const [stopped, setStopped] = useState<AvatarSessionStatus | null>(null)
  const restart = (): void => setGeneration((n) => n + 1)

  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  useEffect(() => {
    document.title = story
      ? `${story.group} / ${story.label} · ${TITLE}`
      : `No such story · ${TITLE}`
  }, [story])

  const updateArgs = useCallback(
    (changes: Args) => {
      if (!story) return
      replaceRoute(storyHref(story.id, queryFromArgs({ ...args, ...changes }, story.args)))
    },
    [story, args],
  )
  const resetArgs = useCallback(() => {
    if (story) replaceRoute(storyHref(story.id))
  }, [story])

  const connectReal = useCallback((real: Extract<Connection, { mode: 'real' }>): void => {
    stopMockWorker()
    setWorker({ state: 'stopped' })
    setConnection(real)
    setGeneration((n) => n + 1)
  }, [])
  // A window opened by another demo window (the "Two tabs" story) uses the opener's endpoint.
  useEffect(() => receiveConnection(connectReal), [connectReal])
  const switchToMock = async (): Promise<void> => {
    if (connection.mode === 'mock' && worker.state === 'running') return
    setWorker({ state: 'starting' })
    try {
      await startMockWorker()
      setWorker({ state: 'running' })
    } catch (error) {
      setWorker({
        state: 'failed',
        message: error instanceof Error ? error.message : String(error),
      })
    }
    setConnection({ mode: 'mock' })
    setGeneration((n) => n + 1)
  }

  const interval = typeof args.interval === 'number' ? args.interval : DEFAULT_KEEP_ALIVE_INTERVAL

  return (
    <div className="app" data-panel={panelOpen ? 'open' : 'closed'}>
      {/* Not href="#canvas" alone: the hash is the route. */}
      <a
        className="skip-link"
        href="#canvas"
        onClick={(event) => {
          event.preventDefault()
          document.getElementById('canvas')?.focus()
        }}
      >
        Skip to the story
      </a>
      <header className="topbar">
        <a className="brand" href={storyHref(stories[0]?.id ?? '')}>
          <span className="brand__dot" aria-hidden="true" />
          react-avatar-keepalive <span className="brand__sub">demo</span>
        </a>
        <span
          className="mode-pill"
          data-mode={connection.mode}
          data-worker={worker.state}
          data-testid="mode-indicator"
        >
          {modeLabel(connection, worker)}
        </span>
        <span className="topbar__spacer" />
        <label className="theme-select">
          Theme
          <select value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
            <option value="auto">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </header>

      <nav className="sidebar" aria-label="Stories">
        {/* Group names are no headings: they would come before the canvas's h1. */}
        {groups.map(([group, list], index) => (
          <section key={group} className="sidebar__group">
            <p className="sidebar__title" id={`sidebar-group-${index}`}>
              {group}
            </p>
            <ul aria-labelledby={`sidebar-group-${index}`}>
              {list.map((item) => (
                <li key={item.id}>
                  <a
                    href={storyHref(item.id)}
                    data-testid={`story-link-${item.id}`}
                    aria-current={item.id === story?.id ? 'page' : undefined}
                  >
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </nav>

      <main
        className="canvas"
        id="canvas"
        tabIndex={-1}
        data-testid="canvas"
        data-story={story?.id ?? ''}
      >
        {story ? (
          <>
            <CanvasHeader story={story} onRestart={restart} />
            {connection.mode === 'real' && (
              <p className="banner" data-tone="info">
                Real endpoint <code>{withoutCredentials(connection.baseUrl)}</code>, session{' '}
                <code>{connection.sessionId}</code>. Buttons and args that drive the mock do nothing
                here.
              </p>
            )}
            {connection.mode === 'mock' && worker.state === 'stopped' && (
              <p className="banner" data-tone="info">
                No mock (<code>?mock=off</code>): keep-alives reach the dev server and get 404.
                Connect a real endpoint in Settings.
              </p>
            )}
            {connection.mode === 'mock' && worker.state === 'failed' && (
              <p className="banner" data-tone="danger">
                The mock service worker did not start ({worker.message}): keep-alives reach the dev
                server and get 404. Reload, or use a real endpoint in Settings.
              </p>
            )}
            <div className="canvas__stage">
              <StoryHost
                key={`${story.id}:${generation}`}
                story={story}
                args={args}
                connection={connection}
                updateArgs={updateArgs}
                resetArgs={resetArgs}
                onStopped={setStopped}
              />
            </div>
          </>
        ) : (
          <div className="not-found">
            <h1>No such story</h1>
            <p>
              Pick one on the left, or start with{' '}
              <a href={storyHref(stories[0]?.id ?? '')}>{stories[0]?.title}</a>.
            </p>
          </div>
        )}
      </main>

      <section className="panel" aria-label="Addons">
        <div className="panel__bar">
          <PanelTabs
            selected={tab}
            onSelect={(id) => {
              setTab(id)
              setPanelOpen(true)
            }}
          />
          <button
            type="button"
            className="panel__toggle small"
            aria-expanded={panelOpen}
            onClick={() => setPanelOpen((open) => !open)}
            data-testid="toggle-panel"
          >
            {panelOpen ? 'Hide panel' : 'Show panel'}
          </button>
        </div>
        <div className="panel__body" hidden={!panelOpen}>
          <TabPanel id="controls" selected={tab}>
            {story && (
              <ControlsPanel
                story={story}
                args={args}
                updateArgs={updateArgs}
                resetArgs={resetArgs}
                stopped={stopped}
                onRestart={restart}
              />
            )}
          </TabPanel>
          <TabPanel id="requests" selected={tab}>
            <RequestsPanel interval={interval} mode={connection.mode} active={tab === 'requests'} />
          </TabPanel>
          <TabPanel id="settings" selected={tab}>
            <SettingsPanel
              connection={connection}
              worker={worker}
              onConnect={connectReal}
              onUseMock={() => void switchToMock()}
            />
          </TabPanel>
        </div>
      </section>
    </div>
  )
}

function modeLabel(connection: Connection, worker: WorkerState): string {
  if (connection.mode === 'real') return 'Real endpoint'
  switch (worker.state) {
    case 'running':
      return 'Mock API · msw'
    case 'starting':
      return 'Mock API · starting'
    case 'stopped':
      return 'No mock'
    case 'failed':
      return 'Mock failed'
  }
}

/** The tab buttons (ARIA tabs: arrow keys, Home and End move and select; one tab stop). */
function PanelTabs({ selected, onSelect }: { selected: Tab; onSelect: (id: Tab) => void }) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = TABS.findIndex(({ id }) => id === selected)
    const moves: Record<string, number> = {
      ArrowRight: (index + 1) % TABS.length,
      ArrowLeft: (index - 1 + TABS.length) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    }
    const next = moves[event.key]
    const id = next === undefined ? undefined : TABS[next]?.id
    if (id === undefined) return
    event.preventDefault()
    onSelect(id)
    document.getElementById(`tab-${id}`)?.focus()
  }
  return (
    <div className="panel__tabs" role="tablist" onKeyDown={onKeyDown}>
      {TABS.map(({ id, label }) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`tab-${id}`}
          aria-selected={selected === id}
          aria-controls={`tabpanel-${id}`}
          tabIndex={selected === id ? 0 : -1}
          data-testid={`tab-${id}`}
          onClick={() => onSelect(id)}
        >
          {label}
        </button>
      ))}
    </div>
  )
}

/** The panel of tab `id` (labelled by the tab button `tab-<id>`); hidden unless selected. */
function TabPanel({ id, selected, children }: { id: Tab; selected: Tab; children: ReactNode }) {
  return (
    <div
      role="tabpanel"
      id={`tabpanel-${id}`}
      aria-labelledby={`tab-${id}`}
      hidden={selected !== id}
    >
      {children}
    </div>
  )
}

function CanvasHeader({ story, onRestart }: { story: Story; onRestart: () => void }) {
  const description = story.parameters.docs?.description
  return (
    <header className="canvas__header">
      <div className="canvas__title">
        <p className="canvas__crumb">{story.title.split('/').slice(0, -1).join(' / ')}</p>
        <h1>{story.title.split('/').at(-1)}</h1>
        <button type="button" className="small" onClick={onRestart} data-testid="restart-story">
          Restart story
        </button>
      </div>
      {(description?.story ?? description?.component) && (
        <p className="canvas__description">
          <Markdownish text={description?.story ?? description?.component ?? ''} />
        </p>
      )}
    </header>
  )
}
