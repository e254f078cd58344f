import { useSyncExternalStore } from 'react'
import type { MockRequest } from 'react-avatar-keepalive/testing'
import { api } from './api'

/** A request as the Requests panel shows it; `tokenMatched` is unknown (`null`) for a real server. */
export type LoggedRequest = Omit<MockRequest, 'tokenMatched'> & { tokenMatched: boolean | null }

export interface RequestLog {
  subscribe: (listener: () => void) => () => void
  /** Oldest first; the same array until the next change. */
  getSnapshot: () => readonly LoggedRequest[]
  clear: () => void
}

export const mockRequestLog: RequestLog = {
  subscribe: (listener) => api.subscribe(() => listener()),
  getSnapshot: () => api.requests,
  clear: () => api.clearRequests(),
}

/** The query parameter that ties a mock log entry to the client's own record of the request. */
const TAG = 'demo-request'

/** The client-side id a tagged request was sent with, read back from the URL the mock logged. */
export function requestTag(url: string): number | null {
  const value = new URL(url, window.location.href).searchParams.get(TAG)
  return value === null ? null : Number(value)
}

/**
 * A `fetch` that logs what the client saw (method, URL, timing, status or abort). For a real
 * endpoint it is the only log; with the mock it adds the client's side, because msw's service
 * worker never tells a handler that the page aborted a request (a timed-out request still gets
 * its late answer logged). With `tag`, each URL gets `?demo-request=<id>` to join the two.
 * The token travels in the `Authorization` header, which is never read.
 */
export function createRecordingFetch({ tag = false } = {}): RequestLog & { fetch: typeof fetch } {
  let log: LoggedRequest[] = []
  let snapshot: readonly LoggedRequest[] = []
  let nextId = 1
  const listeners = new Set<() => void>()
  const changed = (): void => {
    snapshot = Object.freeze([...log])
    for (const listener of listeners) listener()
  }

  const recordingFetch: typeof fetch = async (input, init) => {
    const id = nextId++
    let url = input instanceof Request ? input.url : String(input)
    if (tag) {
      url = `${url}${url.includes('?') ? '&' : '?'}${TAG}=${id}`
      input = url
    }
    const entries = log
    const pending: LoggedRequest = {
      id,
      at: Date.now(),
      settledAt: null,
      method: init?.method ?? 'GET',
      url,
      endpoint: /\/end$/.test(url) ? 'end' : 'keep-alive',
      sessionId: sessionIdOf(url),
      tokenMatched: null,
      status: 'pending',
      injected: false,
    }
    const index = entries.push(pending) - 1
    changed()
    const settle = (status: LoggedRequest['status']): void => {
      if (entries !== log) return
      entries[index] = { ...pending, status, settledAt: Date.now() }
      changed()
    }
    try {
      const response = await fetch(input, init)
      settle(response.status)
      return response
    } catch (error) {
      settle(init?.signal?.aborted ? 'aborted' : 'network-error')
      throw error
    }
  }

  return {
    fetch: recordingFetch,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
    clear: () => {
      log = []
      changed()
    },
  }
}

function sessionIdOf(url: string): string | null {
  const segment = /\/avatar-session\/([^/?#]+)\//.exec(url)?.[1]
  if (segment === undefined) return null
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

/** Real-endpoint mode: the only log. */
export const realRequestLog = createRecordingFetch()

/** Mock mode: the client's side of each request, joined to the mock's log by tag. */
export const mockClientLog = createRecordingFetch({ tag: true })

export function useRequests(log: RequestLog): readonly LoggedRequest[] {
  return useSyncExternalStore(log.subscribe, log.getSnapshot)
}
