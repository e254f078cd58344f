// A session kept from a sandboxed iframe (`sandbox="allow-scripts"`: an opaque origin), in each
// engine. There `navigator.locks` exists but refuses every request; the package used to ask again
// on each refusal, a loop of microtasks that hung the frame (and, in one process, its parent) and
// never sent a keep-alive. The frame (./fixtures/keep-in-sandbox.mjs, the built package in React
// 19) keeps a session on the Node mock server; the parent page records what the frame tells it
// and pings it every 250 ms to see that it still answers.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { startMockApiServer } from '../../../scripts/mockApiServer.mjs'
import { ENGINES, launch } from './browsers.mjs'
import { figure, gaps, sleep } from './harness.mjs'

const INTERVAL = 2_000
const KEPT_FOR = 10_000

let app
let server

/** Serves the parent page and the frame's page (its script bundled with esbuild) on 127.0.0.1. */
async function serveFixture() {
  const here = dirname(fileURLToPath(import.meta.url))
  const bundle = await build({
    entryPoints: [join(here, 'fixtures', 'keep-in-sandbox.mjs')],
    bundle: true,
    // A classic script: a module script would be fetched with CORS from the frame's opaque origin.
    format: 'iife',
    minify: true,
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  const script = bundle.outputFiles[0].contents
  const page = (body) =>
    '<!doctype html><html><head><meta charset="utf-8"><title>sandboxed</title></head>' +
    `<body>${body}</body></html>`
  const frame = page('<div id="root"></div><script src="/frame.js"></script>')
  // The parent: the frame's news in window.news, its answers to "alive?" in window.pongs.
  const parent = page(
    `<iframe id="frame" sandbox="allow-scripts"></iframe><script>
      window.news = []; window.pongs = []
      addEventListener('message', ({ data }) => data && data.pong ? pongs.push(Date.now()) : news.push({ at: Date.now(), ...data }))
      document.getElementById('frame').src = '/frame' + location.hash
      setInterval(() => document.getElementById('frame').contentWindow.postMessage('alive?', '*'), 250)
    </script>`,
  )
  const http = createServer((req, res) => {
    const path = req.url?.split('#')[0]
    if (path === '/frame.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      res.end(script)
    } else if (path === '/' || path === '/frame') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(path === '/' ? parent : frame)
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${http.address().port}/`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  }
}

before(async () => {
  app = await serveFixture()
  // A sandboxed frame's requests carry `Origin: null`.
  server = await startMockApiServer({ sessions: {}, idleTimeout: 30_000, origins: ['null'] })
})
after(async () => {
  await app?.close()
  await server?.close()
})

for (const engine of ENGINES) {
  describe(engine, () => {
    let browser

    before(async () => {
      browser = await launch(engine, { throttled: true })
    })
    after(async () => {
      await browser?.close()
    })

    test('a sandboxed iframe (opaque origin) keeps its session on its own, and keeps answering', async (t) => {
      const sessionId = `sandboxed-${engine}`
      const token = `token-${sessionId}`
      server.api.addSession(sessionId, token)
      const context = await browser.defaultContext()
      const page = await context.newPage()
      try {
        await page.goto(
          `${app.url}#${new URLSearchParams({ baseUrl: server.url, sessionId, token })}`,
        )
        const locks = await page.waitFor(() => window.news.find((n) => n.locks)?.locks, {
          timeout: 15_000,
          message: 'the frame never said what its lock manager answered',
        })
        const startedAt = Date.now()
        await sleep(KEPT_FOR)
        const { news, pongs } = await page.evaluate(() => ({
          news: window.news,
          pongs: window.pongs,
        }))
        const keepAlives = server.api.requests
          .filter((entry) => entry.sessionId === sessionId && entry.endpoint === 'keep-alive')
          .map((entry) => entry.at)
        const statuses = news.filter((n) => n.status).map((n) => n.status)
        const answered = pongs.filter((at) => at >= startedAt)
        const silence = Math.max(0, ...gaps([startedAt, ...answered, Date.now()]))
        figure(
          t,
          engine,
          'sandbox.keepAlives',
          { locks, keepAlives: keepAlives.length, longestSilenceMs: silence },
          `sandboxed iframe: Web Locks ${locks}; ${keepAlives.length} keep-alives in ` +
            `${KEPT_FOR / 1000} s (interval ${INTERVAL / 1000} s), status ${statuses.join(' → ')}; ` +
            `the frame answered the parent every ${silence} ms at most`,
        )
        assert.ok(
          keepAlives.length >= KEPT_FOR / INTERVAL - 1,
          `${keepAlives.length} keep-alives in ${KEPT_FOR} ms`,
        )
        assert.ok(
          Math.min(...gaps(keepAlives)) >= 1_000,
          `keep-alives too close: ${gaps(keepAlives).join(', ')} ms`,
        )
        assert.equal(statuses.at(-1), 'alive')
        assert.ok(silence < 2_000, `the frame went ${silence} ms without answering`)
      } finally {
        await page.close().catch(() => {})
      }
    })
  })
}
