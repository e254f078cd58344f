/** @vitest-environment node */
// Without a bundler (an import map, a worker loaded as it is) there is no `process`. The core,
// bundled as it is published (nothing defines NODE_ENV) and run in a realm without `process`,
// builds its errors and ends a session the server ended, in its production form.
import { build } from 'esbuild'
import { join } from 'node:path'
import { createContext, runInContext } from 'node:vm'
import { expect, test } from 'vitest'

test('no process: a 410 ends the session, and errors say what failed, without their description', async () => {
  const { outputFiles } = await build({
    entryPoints: [join(import.meta.dirname, '..', 'core', 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'core',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  })
  const code = outputFiles[0]!.text
  expect(code).toContain('process.env.NODE_ENV')
  const realm = createContext({
    fetch: async () => new Response('{"success":false,"error":"Session ended"}', { status: 410 }),
    ...{ Response, Headers, URL, AbortController, AbortSignal, DOMException, TextEncoder, btoa },
    ...{ setTimeout, clearTimeout, queueMicrotask, performance, console },
  })
  const run = runInContext(
    `${code}
    new Promise((resolve) => {
      const store = core.createAvatarSessionStore({ crossTab: null })
      const errors = []
      let invalid
      try { core.keepAvatarSessionAlive('s1', '', { store }) } catch (error) { invalid = error.message }
      const handle = core.keepAvatarSessionAlive('s1', 'token-1', {
        store,
        onError: (error) => errors.push(error.message),
        onExpired: () => { handle.stop(); resolve({ snapshot: store.get('s1'), errors, invalid, process: typeof process }) },
      })
    })`,
    realm,
  ) as Promise<Record<string, unknown>>
  expect(await run).toMatchObject({
    process: 'undefined',
    snapshot: { status: 'expired', endReason: 'server' },
    errors: ['Keep-alive failed, expired (HTTP 410): Session ended'],
    invalid: 'react-avatar-keepalive: `token` is invalid',
  })
})
