import { QueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { createAvatarSessionStore, type AvatarSessionStatus } from 'react-avatar-keepalive'
import { MOCK_BASE_URL, MOCK_SESSION_IDS, MOCK_SESSIONS, resetMock } from '../mock/api'
import { mockClientLog, mockRequestLog, realRequestLog } from '../mock/requestLog'
import type { Args, StoryContext } from './csf'
import {
  ArgsContext,
  DemoContext,
  type Connection,
  type Demo,
  type UpdateArgs,
} from './DemoContext'
import { ErrorBoundary } from './ErrorBoundary'
import type { Story } from './registry'
import { useStoppedStatus } from './useStoppedStatus'

interface StoryHostProps {
  story: Story
  args: Args
  connection: Connection
  updateArgs: UpdateArgs
  resetArgs: () => void
  /** Told when one of the story's sessions stops for good (or null), for a hint beside Controls. */
  onStopped?: (status: AvatarSessionStatus | null) => void
}

/**
 * One mount of a story: a fresh QueryClient and session store, a clean mock, the story's
 * `beforeEach` (re-run when the args change, so mock controls apply live), then the story.
 * Give it a new `key` to start the story over.
 */
export function StoryHost(props: StoryHostProps) {
  const { story, args, connection, updateArgs, resetArgs, onStopped } = props
  const [{ queryClient, store }] = useState(() => ({
    queryClient: new QueryClient(),
    // Tabs share a keep-alive across the origin (Web Locks). In mock mode each page has its own
    // mock server, so a tab following another's keep-alive would find its own mock's session timed
    // out on takeover: only stories made for it (`parameters.crossTab`) share; a real server is
    // one server for every tab, so there every story does.
    store: createAvatarSessionStore(
      connection.mode === 'real' || story.parameters.crossTab === true
        ? undefined
        : { crossTab: null },
    ),
  }))

  const demo = useMemo<Demo>(() => {
    const real = connection.mode === 'real' ? connection : null
    return {
      mode: connection.mode,
      queryClient,
      store,
      options: real
        ? { queryClient, store, baseUrl: real.baseUrl, fetch: realRequestLog.fetch }
        : { queryClient, store, baseUrl: MOCK_BASE_URL, fetch: mockClientLog.fetch },
      session: (mockSessionId = 'session-a') =>
        real
          ? { sessionId: real.sessionId, token: real.token }
          : { sessionId: mockSessionId, token: MOCK_SESSIONS[mockSessionId] },
      requests: real ? realRequestLog : mockRequestLog,
    }
  }, [connection, queryClient, store])

  const sessionIds = useMemo(
    () => (connection.mode === 'real' ? [connection.sessionId] : MOCK_SESSION_IDS),
    [connection],
  )
  useStoppedStatus(store, sessionIds, onStopped)

  const context: StoryContext = {
    id: story.id,
    title: story.title,
    name: story.name,
    args,
    parameters: story.parameters,
  }
  const argsContext = useMemo<[Args, UpdateArgs, () => void]>(
    () => [args, updateArgs, resetArgs],
    [args, updateArgs, resetArgs],
  )

  return (
    <DemoContext.Provider value={demo}>
      <ArgsContext.Provider value={argsContext}>
        {/* Before the story in the tree, so their effects run before the story's own; the
            story's set-up inside the boundary, so that its error shows in the canvas too. */}
        <ResetOnMount />
        <ErrorBoundary resetKey={args}>
          <BeforeEach story={story} context={context} />
          <Render story={story} context={context} />
        </ErrorBoundary>
      </ArgsContext.Provider>
    </DemoContext.Provider>
  )
}

/** Once per story mount (not again when the error boundary retries): a clean mock, empty logs. */
function ResetOnMount() {
  useEffect(() => {
    resetMock()
    mockClientLog.clear()
    realRequestLog.clear()
  }, [])
  return null
}

function BeforeEach({ story, context }: { story: Story; context: StoryContext }) {
  const { args } = context
  useEffect(() => {
    const { id, title, name, parameters } = story
    const cleanups = story.beforeEach.map((fn) => fn({ id, title, name, parameters, args }))
    return () => {
      for (const cleanup of cleanups.reverse()) cleanup?.()
    }
  }, [story, args])
  return null
}

function Render({ story, context }: { story: Story; context: StoryContext }): ReactNode {
  return story.render(context.args, context)
}
