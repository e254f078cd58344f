import { useSyncExternalStore } from 'react'

// Hash routing: `#/story/<id>?<args>`. The URL is the single source of truth for the story and its
// args; arg edits replace the history entry, story changes push one.

export interface Route {
  storyId: string | null
  query: URLSearchParams
}

const listeners = new Set<() => void>()

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  window.addEventListener('hashchange', listener)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('hashchange', listener)
  }
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash)
}

export function parseRoute(hash: string): Route {
  const match = /^#\/story\/([^?]+)(?:\?(.*))?$/.exec(hash)
  if (!match) return { storyId: null, query: new URLSearchParams() }
  return { storyId: decodeId(match[1] ?? ''), query: new URLSearchParams(match[2] ?? '') }
}

// A URL is typed by anyone: a broken escape (`%E0%A4%A`) names no story, it does not throw.
function decodeId(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

export function storyHref(storyId: string, query = ''): string {
  return `#/story/${storyId}${query ? `?${query}` : ''}`
}

/** Changes the URL without a new history entry (arg edits). */
export function replaceRoute(href: string): void {
  if (href === window.location.hash) return
  window.history.replaceState(window.history.state, '', href)
  for (const listener of listeners) listener()
}
