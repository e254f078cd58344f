// Shared set-up for the demo's browser tests: the built demo served on 127.0.0.1, and Debian's
// Chromium driven by playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { preview } from 'vite'
import { CHROMIUM_ARGS, launchChromium } from '../../../scripts/chromium.mjs'

const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
export const screenshotDir = join(demoRoot, 'e2e', 'screenshots')

// The binary behind Debian's /usr/bin/chromium wrapper, started by hand for the hidden-tab test.
export const CHROMIUM_BINARY = process.env.CHROMIUM_BINARY ?? '/usr/lib/chromium/chromium'

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

/** Playwright's own launch: fine for everything but background throttling, which it switches off. */
export const launchBrowser = launchChromium

/**
 * Chromium started by hand and attached over CDP with `noDefaults`, so that hidden pages are
 * throttled and can be frozen as in a real browser.
 */
export async function launchRealChromium() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'rak-chromium-'))
  const child = spawn(
    CHROMIUM_BINARY,
    [
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${userDataDir}`,
      ...CHROMIUM_ARGS,
      'about:blank',
    ],
    // Its own process group, so that closing ends Chromium's helper processes too.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  )
  const endpoint = await new Promise((resolve, reject) => {
    let stderr = ''
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${stderr}`)), 30_000)
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Chromium exited with ${code}:\n${stderr}`))
    })
  })
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true })
  const context = browser.contexts()[0]
  return {
    browser,
    context,
    async close() {
      await browser.close().catch(() => {})
      if (child.exitCode === null) {
        const exited = once(child, 'exit')
        process.kill(-child.pid, 'SIGTERM')
        await exited
      }
      try {
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
      } catch {
        // A helper process may still be writing its profile; a leftover temp folder is harmless.
      }
    },
  }
}

/** Records every keep-alive the page sends, with the time the browser sent it. */
export function recordKeepAlives(page) {
  const sent = []
  page.on('request', (request) => {
    if (request.url().includes('/keep-alive')) sent.push(Date.now())
  })
  return sent
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) })
}

export const gaps = (times) => times.slice(1).map((time, i) => time - times[i])

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Opens a story and waits until the mock API's service worker answers. */
export async function openStory(page, baseUrl, id, args = '') {
  await page.goto(`${baseUrl}/#/story/${id}${args ? `?${args}` : ''}`)
  await page.waitForFunction(() => window.__demoReady === true, null, { timeout: 30_000 })
  await page.waitForSelector(`[data-testid="canvas"][data-story="${id}"]`)
}
