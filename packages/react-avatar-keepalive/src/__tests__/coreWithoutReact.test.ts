import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'

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

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(?:[cm]?[jt]sx?)$/.test(name) ? [path] : []
  })
}

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

  it('loads and works without React', async () => {
    const core = await import('../core/index')

    const store = core.createAvatarSessionStore()
    const listener = vi.fn()
    store.subscribe(listener)
    store.getState().recordAttempt('session-1', 1)
    expect(store.getState().sessions['session-1']?.status).toBe('connecting')

    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))
    await core.sendKeepAlive({
      sessionId: 'session-1',
      token: 'token-1',
      baseUrl: 'https://a.test',
      fetch,
    })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(String(fetch.mock.calls[0]?.[0])).toBe(
      'https://a.test/avatar-session/session-1/keep-alive',
    )
    store.getState().recordSuccess('session-1', 2)
    expect(store.getState().sessions['session-1']?.status).toBe('alive')

    const gone = vi.fn<typeof globalThis.fetch>(async () =>
      Response.json({ success: false, error: 'Session ended' }, { status: 410 }),
    )
    const error = await core
      .sendKeepAlive({ sessionId: 'session-1', token: 'token-1', fetch: gone })
      .catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(core.AvatarKeepAliveError)
    store
      .getState()
      .recordFailure('session-1', error as InstanceType<typeof core.AvatarKeepAliveError>)
    expect(store.getState().sessions['session-1']?.status).toBe('expired')
    expect(listener).toHaveBeenCalledTimes(3)

    expect(core.avatarSessionStore.getState().sessions).toEqual({})
    expect(core.isHaltedStatus('expired')).toBe(true)
    expect(core.classifyHttpStatus(429)).toBe('rate-limited')
  })
})

describe('src/core in its source', () => {
  const files = sourceFiles(CORE_DIR)

  it('finds the core files', () => {
    const names = files.map((file) => relative(CORE_DIR, file))
    expect(names).toContain('index.ts')
    expect(names).toContain('sendKeepAlive.ts')
    expect(names).toContain('createAvatarSessionStore.ts')
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
