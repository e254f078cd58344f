// One mock avatar API for several pages (or browsers): the package's own `createAvatarApiMock`
// (from `react-avatar-keepalive/testing`, i.e. its built dist/: run `pnpm build` first), served over
// HTTP on 127.0.0.1 with msw's `getResponse`. In the demo every page has its own in-browser mock;
// tests of several tabs need one server that sees every tab's requests.
//
//   node scripts/mockApiServer.mjs [--port 8787] [--idle-timeout 30000]
//
// prints the base URL and the sessions; point the demo at it in Settings → Real endpoint → Custom.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { getResponse } from 'msw'
import { createAvatarApiMock } from 'react-avatar-keepalive/testing'

/** Sessions the server knows by default (id → token). Fake values: nothing here is a secret. */
export const DEFAULT_SESSIONS = { 'shared-session': 'shared-token' }

const LOOPBACK_ORIGIN = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/

/**
 * Starts the server on a free port of 127.0.0.1 (or `port`).
 *
 * `origins`: the page origins allowed by CORS; by default any loopback origin (the demo's preview
 * server picks a free port). Preflights are answered with `Access-Control-Max-Age: 600`, so a page
 * sends one per URL rather than one before every keep-alive; `preflights` counts them.
 *
 * @returns `{ url, api, preflights, close }`: `url` is the base URL (`…/v1`, no trailing slash),
 * `api` the mock itself (`api.requests`, `api.queue(410)`, `api.end(id)`…).
 */
export async function startMockApiServer({
  sessions = DEFAULT_SESSIONS,
  idleTimeout = 30_000,
  origins,
  port = 0,
} = {}) {
  const api = createAvatarApiMock({ sessions, idleTimeout })
  const allowed = (origin) =>
    typeof origin === 'string' &&
    (origins ? origins.includes(origin) : LOOPBACK_ORIGIN.test(origin))
  const counters = { preflights: 0 }

  const server = createServer(async (req, res) => {
    const origin = req.headers.origin
    const cors = allowed(origin)
      ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
      : { Vary: 'Origin' }
    if (req.method === 'OPTIONS') {
      counters.preflights += 1
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      })
      res.end()
      return
    }
    // The client may give up (its timeout): abort the mock's request, as a browser's would be.
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    try {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
      }
      const body = chunks.length > 0 && req.method !== 'GET' ? Buffer.concat(chunks) : undefined
      const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
        method: req.method,
        headers,
        body,
        signal: controller.signal,
      })
      const response =
        (await getResponse([...api.handlers], request)) ??
        Response.json({ success: false, error: 'Not found' }, { status: 404 })
      if (response.type === 'error') {
        // A network error (`'network-error'`, or the client went away): drop the connection.
        res.destroy()
        return
      }
      const out = Object.fromEntries(response.headers)
      res.writeHead(response.status, { ...out, ...cors })
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, cors)
      res.end(String(error))
    }
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const address = server.address()
  const url = `http://127.0.0.1:${address.port}/v1`
  return {
    url,
    api,
    get preflights() {
      return counters.preflights
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

// Run directly: serve until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, fallback) => {
    const index = process.argv.indexOf(`--${name}`)
    return index === -1 ? fallback : Number(process.argv[index + 1])
  }
  const server = await startMockApiServer({
    port: arg('port', 8787),
    idleTimeout: arg('idle-timeout', 30_000),
  })
  console.log(`Mock avatar API on ${server.url}`)
  for (const [id, token] of Object.entries(DEFAULT_SESSIONS)) {
    console.log(`  session ${id}, token ${token}`)
  }
  server.api.subscribe((entry) => {
    if (entry && entry.status !== 'pending') {
      console.log(
        `${new Date(entry.at).toISOString()} ${entry.endpoint} ${entry.sessionId} → ${entry.status}`,
      )
    }
  })
  process.on('SIGINT', () => void server.close().then(() => process.exit(0)))
}
