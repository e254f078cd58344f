import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { sourceFiles } from './sourceFiles'

// vi.mock matches exact specifiers, so the subpaths a build could pull in are mocked one by one.
// It only sees imports from source files: the static check below covers the rest.
vi.mock('react', () => {
  throw new Error('core imported react')
})
vi.mock('react-dom', () => {
  throw new Error('core imported react-dom')
})
vi.mock('@tanstack/react-query', () => {
  throw new Error('core imported @tanstack/react-query')
})
vi.mock('react/jsx-runtime', () => {
  throw new Error('core imported react/jsx-runtime')
})
vi.mock('react/jsx-dev-runtime', () => {
  throw new Error('core imported react/jsx-dev-runtime')
})
vi.mock('react-dom/client', () => {
  throw new Error('core imported react-dom/client')
})

// A string, not `new URL(...)`: under jsdom, `URL` is jsdom's and node:url rejects it.
const CORE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'core')

const REACT_SPECIFIER = String.raw`(?:react|react-dom|@tanstack\/react-query)(?:\/[^'"\x60]*)?`

/** `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`, `require('x')`. */
const REACT_IMPORT = new RegExp(
  [
    String.raw`\bfrom\s*['"\x60]${REACT_SPECIFIER}['"\x60]`,
    String.raw`\bimport\s*['"\x60]${REACT_SPECIFIER}['"\x60]`,
    String.raw`\bimport\s*\(\s*['"\x60]${REACT_SPECIFIER}['"\x60]`,
    String.raw`\brequire\s*\(\s*['"\x60]${REACT_SPECIFIER}['"\x60]`,
  ].join('|'),
)

describe('src/core at run time', () => {
  it.each([
    ['react', () => import('react')],
    ['react-dom', () => import('react-dom')],
    ['@tanstack/react-query', () => import('@tanstack/react-query')],
    ['react/jsx-runtime', () => import('react/jsx-runtime')],
    ['react-dom/client', () => import('react-dom/client')],
  ])('%s is really mocked to throw', async (name, load) => {
    const reason: unknown = await load().then(
      () => null,
      (error: unknown) => error,
    )
    expect(reason).toBeInstanceOf(Error)
    // vitest wraps the factory's error and keeps it as the cause.
    expect((reason as Error).cause).toEqual(new Error(`core imported ${name}`))
  })

  it('exports exactly the public core', async () => {
    const core = await import('../core/index')
    expect(Object.keys(core).sort()).toEqual(
      [
        'AVATAR_API_EU',
        'AVATAR_API_US',
        'AVATAR_SESSION_STATUSES',
        'AvatarKeepAliveError',
        'DEFAULT_KEEP_ALIVE_INTERVAL',
        'DEFAULT_KEEP_ALIVE_TIMEOUT',
        'IDLE_SNAPSHOT',
        'MAX_TIMER_DELAY',
        'MIN_KEEP_ALIVE_GAP',
        'avatarSessionStore',
        'classifyHttpStatus',
        'createAvatarSessionStore',
        'endAvatarSession',
        'isAliveStatus',
        'isTerminalStatus',
        'isValidSessionId',
        'isValidToken',
        'keepAliveQueryKey',
        'keepAliveQueryOptions',
        'keepAliveUrl',
        'keepAvatarSessionAlive',
        'markSessionActive',
        'parseRetryAfter',
        'resolveKeepAliveOptions',
        'retryDelay',
        'sendKeepAlive',
        'statusForError',
        'timerDriver',
      ].sort(),
    )
  })

  it('loads and works without React', async () => {
    const core = await import('../core/index')

    const store = core.createAvatarSessionStore({ crossTab: null })
    const statuses: string[] = []
    store.session('session-1').subscribe(({ status }) => statuses.push(status))

    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))
    const keepAlive = core.keepAvatarSessionAlive('session-1', 'token-1', {
      store,
      baseUrl: 'https://a.test',
      fetch,
    })
    expect(await keepAlive.ping()).toBe('alive')
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(String(fetch.mock.calls[0]?.[0])).toBe(
      'https://a.test/avatar-session/session-1/keep-alive',
    )
    expect(store.get('session-1')).toMatchObject({ status: 'alive', isAlive: true })
    keepAlive.stop()
    // The last consumer's stop takes effect in a microtask, so an undone stop costs nothing.
    await vi.waitFor(() => expect(store.get('session-1').status).toBe('stopped'))

    const gone = vi.fn<typeof globalThis.fetch>(async () =>
      Response.json({ success: false, error: 'Session ended' }, { status: 410 }),
    )
    const error = await core
      .sendKeepAlive({ sessionId: 'session-1', token: 'token-1', fetch: gone })
      .catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(core.AvatarKeepAliveError)
    expect(core.statusForError(error as InstanceType<typeof core.AvatarKeepAliveError>)).toBe(
      'expired',
    )

    const ended = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))
    await expect(
      core.endAvatarSession({ sessionId: 'session-1', token: 'token-1', fetch: ended, store }),
    ).resolves.toBe('ended')
    expect(store.get('session-1')).toMatchObject({ status: 'expired', endReason: 'ended' })
    expect(statuses).toEqual(['connecting', 'alive', 'stopped', 'expired'])

    expect(core.avatarSessionStore.getState().sessions).toEqual({})
    expect(core.isTerminalStatus('expired')).toBe(true)
    expect(core.classifyHttpStatus(429)).toBe('rate-limited')
  })
})

describe('src/core in its source', () => {
  const files = sourceFiles(CORE_DIR)

  it('finds the core files', () => {
    const names = files.map((file) => relative(CORE_DIR, file))
    expect(names).toEqual(
      expect.arrayContaining(['index.ts', 'request.ts', 'store.ts', 'keeper.ts', 'status.ts']),
    )
  })

  it.each([
    "import { useState } from 'react'",
    'import type { FC } from "react"',
    "import * as React from 'react'",
    "import { createRoot } from 'react-dom/client'",
    "import 'react-dom'",
    "export { useQuery } from '@tanstack/react-query'",
    "const { useQuery } = await import('@tanstack/react-query')",
    "const React = require('react')",
    "import { jsx } from 'react/jsx-runtime'",
  ])('the check catches %s', (line) => {
    expect(REACT_IMPORT.test(line)).toBe(true)
  })

  it.each([
    "import { createStore } from 'zustand/vanilla'",
    "import { queryOptions } from '@tanstack/query-core'",
    "import { x } from './reactive'",
    "import { y } from 'react-avatar-keepalive/core'",
    '// keep a session alive from React',
  ])('the check lets %s through', (line) => {
    expect(REACT_IMPORT.test(line)).toBe(false)
  })

  it('no core file imports react, react-dom or @tanstack/react-query', () => {
    const offenders = files.filter((file) => REACT_IMPORT.test(readFileSync(file, 'utf8')))
    expect(offenders.map((file) => relative(CORE_DIR, file))).toEqual([])
  })
})
