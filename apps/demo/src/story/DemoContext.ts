import type { QueryClient } from '@tanstack/react-query'
import { createContext, useContext } from 'react'
import type { AvatarSessionStore } from 'react-avatar-keepalive'
import type { MockSessionId } from '../mock/api'
import type { RequestLog } from '../mock/requestLog'
import type { Args } from './csf'

/** Which API the stories talk to. The token lives here, in memory only. */
export type Connection =
  { mode: 'mock' } | { mode: 'real'; baseUrl: string; sessionId: string; token: string }

export interface DemoSession {
  sessionId: string
  token: string
}

/** What the demo gives every story mount (Storybook would give it through a decorator). */
export interface Demo {
  mode: Connection['mode']
  /** Fresh for every story mount, so no state leaks between stories. */
  queryClient: QueryClient
  /** Fresh for every story mount. */
  store: AvatarSessionStore
  /** Spread into every `useAvatarKeepAlive` of the story. */
  options: {
    queryClient: QueryClient
    store: AvatarSessionStore
    baseUrl: string
    fetch?: typeof fetch
  }
  /** The session to keep alive: that mock session, or in real mode the one from Settings. */
  session: (mockSessionId?: MockSessionId) => DemoSession
  requests: RequestLog
}

export const DemoContext = createContext<Demo | null>(null)

export function useDemo(): Demo {
  const demo = useContext(DemoContext)
  if (!demo) throw new Error('useDemo() outside a story')
  return demo
}

export type UpdateArgs = (changes: Args) => void

export const ArgsContext = createContext<[Args, UpdateArgs, () => void] | null>(null)

/** Storybook's `useArgs()`: the story's args, and a way to change them (the URL follows). */
export function useArgs<TArgs extends object = Args>(): [TArgs, UpdateArgs, () => void] {
  const context = useContext(ArgsContext)
  if (!context) throw new Error('useArgs() outside a story')
  const [args, update, reset] = context
  return [args as TArgs, update, reset]
}
