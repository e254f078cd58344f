// The Next.js example in Debian's Chromium, as `next start` serves it after a build with
// NEXT_PUBLIC_AVATAR_MOCK=1 (`npm run test:e2e` builds it so): the badge that the root layout, a
// Server Component, renders is in the server's HTML as Idle; in the browser it hydrates without a
// warning and turns Live at the first keep-alive. Also: the proxy route adds the token server-side.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../../../scripts/chromium.mjs'

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const screenshotDir = join(appRoot, 'e2e', 'screenshots')
const nextBin = createRequire(join(appRoot, 'package.json')).resolve('next/dist/bin/next')

// What the proxy route is given on the server; the browser never sees the token.
const PROXY_SESSION_ID = 'proxy-session'
const SERVER_TOKEN = 'server-secret-token'

const HYDRATION_PROBLEM =
  /hydrat|did not match|mismatch|Minified React error #(418|419|421|422|423|425)\b/i

let upstream
let next
let browser

before(async () => {
  assert.ok(
    existsSync(join(appRoot, '.next', 'BUILD_ID')),
    'no build: run `npm run test:e2e` (it builds with NEXT_PUBLIC_AVATAR_MOCK=1 first)',
  )
  upstream = await startFakeAvatarApi()
  next = await startNext({
    AVATAR_API_URL: `${upstream.url}/v1`,
    AVATAR_SESSION_ID: PROXY_SESSION_ID,
    AVATAR_SESSION_TOKEN: SERVER_TOKEN,
  })
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  await next?.close()
  await upstream?.close()
})

test('the server-rendered HTML holds the badge, Idle', async () => {
  const response = await fetch(next.url)
  assert.equal(response.status, 200)
  const html = await response.text()
  assert.match(html, /Mock avatar API/, 'built without NEXT_PUBLIC_AVATAR_MOCK=1')
  const header = /<header>([\s\S]*?)<\/header>/.exec(html)?.[1] ?? ''
  const badge = /<span[^>]*\brole="status"[^>]*>/.exec(header)?.[0]
  assert.ok(badge, `no role="status" in the header:\n${header}`)
  assert.match(badge, /\bdata-state="idle"/)
  assert.match(badge, /\baria-live="polite"/)
  assert.match(header, /<span data-part="label">Idle<\/span>/)
})

test('in Chromium: hydrates without a warning, pings at once, the badge turns Live', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 720 } })
  const page = await context.newPage()
  const messages = []
  const pageErrors = []
  page.on('console', (message) => messages.push({ type: message.type(), text: message.text() }))
  page.on('pageerror', (error) => pageErrors.push(error))
  const keepAlive = page.waitForRequest((request) => request.url().includes('/keep-alive'), {
    timeout: 20_000,
  })

  const start = Date.now()
  await page.goto(next.url)
  const request = await keepAlive
  assert.equal(request.method(), 'POST')
  assert.equal(
    request.url(),
    `${next.url}/mock-avatar-api/v1/avatar-session/demo-session/keep-alive`,
  )
  const badge = page.locator('header [role="status"]')
  await page.waitForSelector('header [role="status"][data-state="alive"]', { timeout: 10_000 })
  t.diagnostic(`page opened → badge Live in ${Date.now() - start} ms`)
  assert.equal(await badge.locator('[data-part="label"]').textContent(), 'Live')
  assert.equal(await page.getByTestId('hook-status').textContent(), 'alive')

  // Late warnings (a recoverable hydration error is reported after the commit) get a moment.
  await page.waitForTimeout(500)
  mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: join(screenshotDir, 'next-example.png') })

  // In a production build React reports a mismatch as an uncaught "Minified React error #418".
  const reported = [...messages.map((m) => m.text), ...pageErrors.map((error) => error.message)]
  assert.deepEqual(
    reported.filter((text) => HYDRATION_PROBLEM.test(text)),
    [],
    'hydration warnings or errors',
  )
  assert.deepEqual(
    messages.filter((message) => message.type === 'error'),
    [],
    'console errors',
  )
  assert.deepEqual(
    pageErrors.map((error) => error.message),
    [],
    'uncaught errors in the page',
  )
  await context.close()
})

test('the proxy route adds the session token on the server and passes answers through', async () => {
  const call = (path, token = 'added-by-proxy') =>
    fetch(`${next.url}/api/avatar/avatar-session/${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    })

  const ok = await call(`${PROXY_SESSION_ID}/keep-alive`)
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { success: true })
  assert.deepEqual(upstream.requests.at(-1), {
    method: 'POST',
    url: `/v1/avatar-session/${PROXY_SESSION_ID}/keep-alive`,
    authorization: `Bearer ${SERVER_TOKEN}`,
    body: '{}',
  })

  // The fake API echoes the token in its 410: the proxy must not hand it to the browser.
  const ended = await call(`${PROXY_SESSION_ID}/end`)
  assert.equal(ended.status, 410)
  const text = await ended.text()
  assert.match(text, /Session ended/)
  assert.doesNotMatch(text, new RegExp(SERVER_TOKEN))

  const seen = upstream.requests.length
  for (const path of ['other-session/keep-alive', `${PROXY_SESSION_ID}/say-text`]) {
    assert.equal((await call(path)).status, 404, path)
  }
  assert.equal(upstream.requests.length, seen, 'refused calls never reach the avatar API')
})

/** A stand-in for the avatar API on 127.0.0.1: 200 for keep-alive, 410 echoing the token for end. */
async function startFakeAvatarApi() {
  const requests = []
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    requests.push({
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      body,
    })
    const ended = req.url.endsWith('/end')
    res.writeHead(ended ? 410 : 200, { 'Content-Type': 'application/json' })
    res.end(
      JSON.stringify(
        ended
          ? { success: false, error: `Session ended (${req.headers.authorization})` }
          : { success: true },
      ),
    )
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

async function freePort() {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `next start` on a free port of 127.0.0.1, resolved once it answers. */
async function startNext(env) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }

  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`next start exited (${child.exitCode}):\n${output}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      await response.body?.cancel()
      return { url, close }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  await close()
  throw new Error(`next start did not answer within 30 s:\n${output}`)
}
