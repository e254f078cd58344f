// A page that Chromium prerenders (Speculation Rules) before the user goes there, if ever. It runs
// its scripts meanwhile; a session kept from it used to send keep-alives from there, and, thrown
// away unseen, to end the session with `endOnPageHide` (the page the user was on kept it). Now it
// keeps nothing until it is shown. Chromium only: Firefox ESR and WebKitGTK do not prerender, and
// Chromium does not while DevTools is attached, so this test starts it by hand with no driver and
// reads what happened at its own server: the prerendered page (./fixtures/keep-when-shown.mjs)
// reports its start, being shown and pagehide there, beside the API's calls.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { spawnGroup } from './drivers/processes.mjs'
import { ENGINES } from './browsers.mjs'
import { html, serveFixture } from './fixtures/serve.mjs'
import { figure, sleep } from './harness.mjs'

const CHROMIUM_BINARY = process.env.CHROMIUM_BINARY ?? '/usr/lib/chromium/chromium'

/** What the server saw, in order: `{ at, what, prerendering? , purpose? }`. */
const log = []
let app

/** The page the user is on: it prerenders /b, then after `ms` goes there, or drops its rules
 * (Chromium then throws the prerendered page away). */
const first = (then, ms) =>
  html(
    'prerenders /b',
    `<script type="speculationrules">{"prerender":[{"source":"list","urls":["/b"],"eagerness":"immediate"}]}</script>
    <script>setTimeout(() => { ${
      then === 'go'
        ? "location.href = '/b'"
        : "document.querySelector('script[type=speculationrules]').remove()"
    } }, ${ms})</script>`,
  )

function handle(req, res) {
  const url = new URL(req.url, 'http://x')
  const at = Date.now()
  if (url.pathname === '/report') {
    log.push({
      at,
      what: url.searchParams.get('what'),
      prerendering: url.searchParams.get('prerendering'),
    })
    return res.writeHead(204).end()
  }
  const [, endpoint] =
    /^\/v1\/avatar-session\/prerendered\/(keep-alive|end)$/.exec(url.pathname) ?? []
  if (!endpoint) return res.writeHead(404).end()
  log.push({ at, what: endpoint, purpose: req.headers['sec-purpose'] ?? null })
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}')
}

/** Opens `path` in a headless Chromium of its own for `ms`, then closes it. */
async function visit(path, ms) {
  const profile = mkdtempSync(join(tmpdir(), 'prerender-'))
  const chromium = spawnGroup(
    CHROMIUM_BINARY,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
      '--disable-component-update',
      `--user-data-dir=${profile}`,
      `${app.url}${path.slice(1)}`,
    ],
    { stdio: 'ignore' },
  )
  await sleep(ms)
  const exited = new Promise((resolve) => chromium.once('exit', resolve))
  process.kill(-chromium.pid, 'SIGKILL')
  await exited
  rmSync(profile, { recursive: true, force: true })
}

/** Opens `path` for 8 s with the log emptied first; checks the page under test was prerendered.
 * Returns the log as lines, for messages. */
async function visitPrerendered(path) {
  log.length = 0
  await visit(path, 8_000)
  const lines = log.map((entry) => JSON.stringify(entry)).join('\n')
  assert.ok(
    log.some((entry) => entry.what === 'start' && entry.prerendering === 'true'),
    `the page was never prerendered:\n${lines}`,
  )
  return lines
}

before(async () => {
  app = await serveFixture({
    fixture: 'keep-when-shown.mjs',
    format: 'esm',
    pages: {
      '/go': first('go', 4_000),
      '/drop': first('drop', 4_000),
      '/b': html(
        'keeps the session',
        '<div id="root"></div><script type="module" src="/app.js"></script>',
      ),
    },
    handle,
  })
})
after(async () => {
  await app?.close()
})

for (const engine of ENGINES) {
  describe(engine, () => {
    const chromiumOnly = (name, fn) =>
      test(name, (t) =>
        engine === 'chromium'
          ? fn(t)
          : t.skip(`${engine} does not prerender (Speculation Rules are Chromium's)`),
      )

    chromiumOnly('thrown away unseen: no keep-alive, and the session is not ended', async () => {
      const lines = await visitPrerendered('/drop')
      assert.deepEqual(
        log.filter((entry) => entry.what === 'keep-alive' || entry.what === 'end'),
        [],
        lines,
      )
    })

    chromiumOnly('shown: the first keep-alive as it is shown, none before', async (t) => {
      const lines = await visitPrerendered('/go')
      const shown = log.findIndex((entry) => entry.what === 'shown')
      assert.ok(shown >= 0, `never shown:\n${lines}`)
      const calls = log.filter((entry) => entry.what === 'keep-alive' || entry.what === 'end')
      // None before: a request a prerendered page sends carries `Sec-Purpose: prefetch;prerender`
      // (the fix undone, each keep-alive did); `purpose: null` is one sent once shown. Not the
      // server's order: the keep-alive and the report leave in the same task, and a CI run saw
      // the keep-alive arrive 5 ms before the report (last stop's, 12 ms after it).
      assert.ok(
        calls.length >= 2 &&
          calls.every((call) => call.what === 'keep-alive' && call.purpose === null),
        lines,
      )
      // Both reach the server from the shown page's first task: the report may come a little after.
      const gap = calls[0].at - log[shown].at
      figure(
        t,
        engine,
        'prerender.firstKeepAliveMs',
        gap,
        `prerendered page shown: its first keep-alive ${gap} ms from the report that it was shown`,
      )
      assert.ok(Math.abs(gap) < 500, lines)
    })
  })
}
