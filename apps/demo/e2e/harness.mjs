// The demo's side of the browser tests: the built demo served on 127.0.0.1, stories opened and
// pointed at the Node mock server, screenshots, and the figures a compatibility matrix needs. The
// browsers themselves are in ./browsers.mjs.
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { preview } from 'vite'

const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
export const screenshotDir = join(demoRoot, 'e2e', 'screenshots')
/** One JSON line per figure ({ engine, key, value, text }); run.mjs folds them into matrix.json. */
export const FIGURES_FILE = process.env.E2E_FIGURES ?? join(demoRoot, 'e2e', 'matrix.jsonl')

/** Serves apps/demo/dist (built by `vite build` before the tests) on a free port of 127.0.0.1. */
export async function serveDemo() {
  const server = await preview({
    root: demoRoot,
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('vite preview did not report a URL')
  return { url: url.replace(/\/$/, ''), close: () => server.close() }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

export const gaps = (times) => times.slice(1).map((time, i) => time - times[i])

/** `[data-testid="…"]` */
export const testid = (id) => `[data-testid="${id}"]`

/** Polls `check` (in Node) until it returns something truthy; returns that. */
export async function until(check, { timeout = 10_000, step = 20, message = 'timed out' } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(message)
    await sleep(step)
  }
}

/**
 * Opens a story and waits until the mock API's service worker answers, or, with `search` '?mock=off',
 * until the page runs with no service worker at all (for a real endpoint: `connect`).
 */
export async function openStory(page, baseUrl, id, args = '', search = '') {
  await page.goto(`${baseUrl}/${search}#/story/${id}${args ? `?${args}` : ''}`)
  await page.waitFor(() => window.__demoReady === true, {
    timeout: 30_000,
    message: 'the demo did not start its mock worker',
  })
  await page.waitForSelector(`[data-testid="canvas"][data-story="${id}"]`)
}

/**
 * Points the page at the Node mock server through Settings → Real endpoint → Custom base URL (the
 * session must be known to the server), then shows the Requests panel again.
 */
export async function connect(page, server, sessionId, token) {
  await page.click(testid('tab-settings'))
  await page.select('#real-region', 'custom')
  await page.fill(testid('real-base-url'), server.url)
  await page.fill(testid('real-session-id'), sessionId)
  await page.fill(testid('real-token'), token)
  await page.click(testid('connect-real'))
  await page.waitForSelector('[data-testid="mode-indicator"][data-mode="real"]')
  await page.click(testid('tab-requests'))
}

/** Keep-alives the page's own Requests panel counts (mock: the mock's log; real: the page's fetch). */
export const requestCount = async (page) => Number(await page.text(testid('request-count')))

/**
 * When the page started each keep-alive (to `baseUrl`, if given), from the browser's own Resource
 * Timing entries (the network record every engine keeps for the page, service-worker answers
 * included; an entry appears once its answer is in), in ms since the epoch. The buffer holds 250
 * entries: enough for these tests.
 */
export function keepAliveStarts(page, baseUrl = '') {
  return page.evaluate(
    (prefix) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.startsWith(prefix) && /\/keep-alive(\?|$)/.test(entry.name))
        .map((entry) => Math.round(performance.timeOrigin + entry.startTime)),
    baseUrl,
  )
}

export async function screenshot(page, name) {
  const dir = join(screenshotDir, page.engine)
  mkdirSync(dir, { recursive: true })
  await page.screenshot(join(dir, `${name}.png`))
}

/** Prints a figure as a TAP diagnostic and records it for the compatibility matrix. */
export function figure(t, engine, key, value, text) {
  t.diagnostic(`${engine}: ${text}`)
  mkdirSync(dirname(FIGURES_FILE), { recursive: true })
  appendFileSync(FIGURES_FILE, `${JSON.stringify({ engine, key, value, text })}\n`)
}

/** Prints why an engine skips a step (the rest of the test still runs there). */
export function skipStep(t, engine, step, reason) {
  t.diagnostic(`${engine}: skipped: ${step}: ${reason}`)
}

/**
 * Whether a browser is lost: WebKitWebDriver deletes its session when a page's web process
 * crashes or hangs (WebKitGTK under Xvfb does, now and then: one CI run in about ten), and every
 * command after it answers 'invalid session id', so every later test of that engine would fail.
 * A script running as the process dies is answered first with 'Could not parse script result'
 * (an empty answer; seen in CI on 2026-12-06, where the test of this retry failed on it).
 */
export const browserLost = (error) =>
  error?.name === 'WebDriverError' &&
  (error.error === 'invalid session id' ||
    (error.error === 'unknown error' && error.message.endsWith('Could not parse script result')))

/**
 * Runs `attempt(t)`; if the browser is lost meanwhile, `restart()` gives the suite a new browser
 * and the attempt runs once more, said in the test's output. Any other failure is the test's
 * failure, not retried, and so is a second loss.
 */
export async function runOrRetry(t, attempt, restart) {
  try {
    return await attempt(t)
  } catch (error) {
    if (!browserLost(error)) throw error
    const said = `the browser was lost (${error.message.trim()}); a new one runs the test again, once`
    t.diagnostic(said)
    console.error(`${t.name}: ${said}`)
    await restart()
    return attempt(t)
  }
}

/** node:test's `test(name, attempt)` for a suite whose browser `restart()` replaces: see runOrRetry. */
export const retryingTest = (restart) => (name, attempt) =>
  test(name, (t) => runOrRetry(t, attempt, restart))
