// A slow onStatusChange and the 1 s ceiling, in each engine. The store (so the app's callbacks)
// heard of a keep-alive before its request started, a microtask on: an onStatusChange that worked
// 1.2 s on `connecting` held the first request back that long, and ping() (every 20 ms here) sent
// the next 21 ms after it in Chromium. Now the request starts before any callback runs. The page
// (./fixtures/slow-callback.mjs, the built package) notes when each keep-alive's fetch is called.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eachEngine } from './browsers.mjs'
import { html, serveFixture } from './fixtures/serve.mjs'
import { figure, gaps, sleep } from './harness.mjs'

let app

before(async () => {
  app = await serveFixture({
    fixture: 'slow-callback.mjs',
    format: 'esm',
    pages: {
      '/': html(
        'slow callback',
        '<div id="root"></div><script type="module" src="/app.js"></script>',
      ),
    },
    // The API: every keep-alive succeeds.
    handle: (req, res) =>
      /\/keep-alive$/.test(req.url)
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}')
        : res.writeHead(404).end(),
  })
})
after(async () => {
  await app?.close()
})

eachEngine((context) => {
  const { engine } = context
  test('keep-alives start 1 s apart at the least, however long onStatusChange works', async (t) => {
    const page = await (await context.browser.newContext()).newPage()
    try {
      await page.goto(
        `${app.url}#${new URLSearchParams({ baseUrl: '/v1', sessionId: `slow-${engine}` })}`,
      )
      await sleep(5_000)
      const starts = await page.evaluate(() => window.starts)
      const between = gaps(starts).map((gap) => Math.round(gap))
      figure(
        t,
        engine,
        'slowCallback.minGapMs',
        Math.min(...between),
        `slow onStatusChange, ping() every 20 ms: keep-alives started ${between.join(', ')} ms apart`,
      )
      assert.ok(starts.length >= 3, `${starts.length} keep-alives`)
      // The page's clock, as guarantee 1 reads it: up to two of its steps less where it is coarse
      // and jittered, as Firefox's is by default (1 ms; 998 ms in a CI run beside a busy machine)
      // and WebKit's (whole ms). The defect this guards against gave gaps of 28 to 67 ms.
      assert.ok(Math.min(...between) >= 998, between.join(', '))
    } finally {
      await page.close().catch(() => {})
    }
  })
})
