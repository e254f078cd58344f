// Every story in real Chromium: what a user sees (badge text and data-state, the Requests panel),
// plus real offline/online through the browser context. Screenshots go to e2e/screenshots/.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  launchBrowser,
  openStory,
  recordKeepAlives,
  screenshot,
  serveDemo,
  sleep,
} from './harness.mjs'

const STATUSES = [
  'idle',
  'connecting',
  'alive',
  'degraded',
  'offline',
  'expired',
  'not-found',
  'unauthorized',
  'error',
  'stopped',
]

let demo
let browser

before(async () => {
  demo = await serveDemo()
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await demo?.close()
})

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (error) => errors.push(error))
  return { context, page, errors }
}

const requestCount = async (page) =>
  Number(await page.getByTestId('request-count').first().textContent())

const badgeState = (page) =>
  page.locator('[data-testid="session-card"] [role="status"]').first().getAttribute('data-state')

describe('every story', () => {
  test('the sidebar lists the stories, and each one renders without an error', async () => {
    const { context, page, errors } = await newPage()
    await openStory(page, demo.url, 'hook-healthy')
    const ids = await page
      .locator('[data-testid^="story-link-"]')
      .evaluateAll((links) => links.map((a) => a.dataset.testid.replace('story-link-', '')))
    assert.deepEqual(ids, [
      'badge-all-statuses',
      'hook-healthy',
      'hook-many-consumers',
      'hook-mount-toggle',
      'scenario-session-expires',
      'scenario-token-expires',
      'scenario-flaky-server',
      'scenario-slow-server',
      'scenario-offline',
      'scenario-two-tabs',
      'scenario-unattended-tab',
    ])
    for (const id of ids) {
      await page.getByTestId(`story-link-${id}`).click()
      await page.waitForSelector(`[data-testid="canvas"][data-story="${id}"]`)
      await sleep(id === 'badge-all-statuses' ? 500 : 4_500)
      assert.equal(await page.getByTestId('story-error').count(), 0, `${id} shows an error`)
      assert.ok((await page.getByRole('status').count()) > 0, `${id} shows a status badge`)
      await screenshot(page, id)
    }
    assert.deepEqual(errors, [])
    await context.close()
  })
})

describe('stories, one by one', () => {
  test('Badge / All statuses: every status in light and dark, labelled', async () => {
    const { context, page } = await newPage()
    await openStory(page, demo.url, 'badge-all-statuses')
    for (const scheme of ['light', 'dark']) {
      const states = await page
        .getByTestId(`badges-${scheme}`)
        .locator('[role="status"]')
        .evaluateAll((badges) => badges.map((b) => b.dataset.state))
      assert.deepEqual([...new Set(states)].sort(), [...STATUSES].sort(), scheme)
    }
    const live = page.getByTestId('badges-light').locator('[data-state="alive"]').first()
    assert.match(await live.textContent(), /^Live/)
    await context.close()
  })

  test('Hook / Healthy session: a ping at mount, then one per interval', async () => {
    const { context, page } = await newPage()
    const sent = recordKeepAlives(page)
    await openStory(page, demo.url, 'hook-healthy', 'interval=2000')
    await page.waitForSelector('[data-testid="session-card"] [role="status"][data-state="alive"]')
    await sleep(6_300)
    assert.equal(await page.getByTestId('hook-status').textContent(), 'alive')
    const count = await requestCount(page)
    assert.ok(count >= 4 && count <= 5, `4 or 5 keep-alives in ~6.3 s, got ${count}`)
    assert.equal(sent.length, count, 'the panel shows what the page sent')
    assert.match(
      await page.locator('[data-testid="session-card"] [role="status"]').textContent(),
      /^Live/,
    )
    await context.close()
  })

  test('Hook / Many consumers: 60 consumers, still one request per interval', async () => {
    const { context, page } = await newPage()
    await openStory(page, demo.url, 'hook-many-consumers')
    await page.waitForSelector('[data-testid="hook-user"][data-status="alive"]')
    await sleep(7_000)
    assert.equal(await page.locator('[data-testid="hook-user"][data-status="alive"]').count(), 10)
    assert.equal(await page.getByTestId('badge-wall').locator('[data-state="alive"]').count(), 50)
    assert.equal(await page.getByTestId('requests-last-interval').textContent(), '1')
    const count = await requestCount(page)
    assert.ok(count >= 4 && count <= 5, `one per 2 s interval over ~7 s, got ${count}`)
    await context.close()
  })

  test('Hook / Mount and unmount: both unmounted → stopped and silent; remount pings at once', async () => {
    const { context, page } = await newPage()
    const sent = recordKeepAlives(page)
    await openStory(page, demo.url, 'hook-mount-toggle')
    await page.waitForSelector('[role="status"][data-state="alive"]')
    await page.getByTestId('toggle-A').click()
    await page.getByTestId('toggle-B').click()
    await page.waitForSelector('[role="status"][data-state="stopped"]')
    const stoppedAt = sent.length
    await sleep(7_000)
    assert.equal(sent.length, stoppedAt, 'no keep-alive while nobody is mounted')
    const before = Date.now()
    await page.getByTestId('toggle-A').click()
    await page.waitForSelector('[role="status"][data-state="alive"]')
    assert.equal(sent.length, stoppedAt + 1)
    assert.ok(sent.at(-1) - before < 1_000)
    await context.close()
  })

  test('Scenarios / Session expires: 410 after 3 pings, then nothing', async () => {
    const { context, page } = await newPage()
    await openStory(page, demo.url, 'scenario-session-expires')
    await page.waitForSelector('[role="status"][data-state="expired"]', { timeout: 15_000 })
    assert.match(await page.getByRole('status').first().textContent(), /Session ended/)
    const count = await requestCount(page)
    assert.equal(await page.locator('[data-testid="request-row"][data-status="410"]').count(), 1)
    await sleep(6_000)
    assert.equal(await requestCount(page), count, 'no request after the 410')
    assert.equal(await page.getByTestId('timeline-stop').count(), 1)
    await context.close()
  })

  test('Scenarios / Token expires: 401 pauses; rotating the token recovers', async () => {
    const { context, page } = await newPage()
    await openStory(page, demo.url, 'scenario-token-expires')
    await page.waitForSelector('[role="status"][data-state="unauthorized"]', { timeout: 15_000 })
    const count = await requestCount(page)
    await sleep(5_000)
    assert.equal(await requestCount(page), count, 'paused while the token is refused')
    await page.getByTestId('rotate-token').click()
    await page.waitForSelector('[data-testid="session-card"] [role="status"][data-state="alive"]')
    assert.equal(await requestCount(page), count + 1, 'one request at once with the new token')
    await context.close()
  })

  test('Scenarios / Flaky server: degraded and back to alive', async () => {
    const { context, page } = await newPage()
    await openStory(page, demo.url, 'scenario-flaky-server', 'failureRate=0.5&seed=3')
    const seen = new Set()
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const state = await badgeState(page)
      if (state === 'alive' || state === 'degraded') seen.add(state)
      await sleep(250)
    }
    assert.deepEqual([...seen].sort(), ['alive', 'degraded'])
    assert.ok((await page.locator('[data-testid="request-row"][data-status="500"]').count()) > 0)
    await context.close()
  })

  test('Scenarios / Slow server and timeouts: an answer slower than `timeout` is a timeout', async () => {
    const { context, page } = await newPage()
    await openStory(page, demo.url, 'scenario-slow-server')
    await page.waitForSelector(
      '[data-testid="session-card"] [role="status"][data-state="degraded"]',
      {
        timeout: 10_000,
      },
    )
    // A production build (this one) names the error's kind; a development build describes it.
    assert.match(await page.getByTestId('hook-error').textContent(), /timed out|, timeout$/)
    await context.close()
  })

  test('Scenarios / Two tabs: alone, this tab sends; the button opens the story in a new window', async () => {
    const { context, page } = await newPage()
    await openStory(page, demo.url, 'scenario-two-tabs')
    await page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
    // The story polls navigator.locks.query() twice a second.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="lock-held"]')?.textContent === 'yes',
    )
    const [other] = await Promise.all([
      context.waitForEvent('page'),
      page.getByTestId('open-second-tab').click(),
    ])
    await other.waitForFunction(() => window.__demoReady === true)
    await other.waitForSelector('[data-testid="canvas"][data-story="scenario-two-tabs"]')
    await other.waitForSelector('[data-testid="tab-role"][data-role="follows"]')
    assert.equal(await badgeState(other), 'alive')
    assert.equal(await other.getByTestId('own-keep-alives').textContent(), '0')
    await other.waitForFunction(
      () => document.querySelector('[data-testid="lock-waiting"]')?.textContent === '1',
    )
    await context.close()
  })

  test('Scenarios / Unattended tab: idle warning with a countdown, "I\'m still here", then the idle end', async () => {
    const { context, page } = await newPage()
    const sent = recordKeepAlives(page)
    await openStory(
      page,
      demo.url,
      'scenario-unattended-tab',
      'idleTimeout=6000&idleWarning=4000&hiddenTimeout=0',
    )
    await page.waitForSelector('[data-testid="session-card"] [role="status"][data-state="alive"]')
    const countdown = page.getByTestId('idle-countdown')
    await countdown.waitFor({ timeout: 5_000 })
    const first = Number(await countdown.textContent())
    assert.ok(first >= 1 && first <= 4, `countdown shows ${first} s`)
    assert.match(await page.getByTestId('event-list').textContent(), /onIdleWarning/)
    await page.getByTestId('still-here').click()
    await countdown.waitFor({ state: 'detached', timeout: 1_000 })
    assert.equal(await page.getByTestId('ends-at').textContent(), 'null')
    assert.equal(await badgeState(page), 'alive')
    // No more activity: the warning comes back, counts down, and the session ends.
    await page.waitForSelector(
      '[data-testid="session-card"] [role="status"][data-state="expired"]',
      {
        timeout: 8_000,
      },
    )
    assert.equal(await page.getByTestId('end-reason').textContent(), 'idle-timeout')
    const badge = page.locator('[data-testid="session-card"] [role="status"]')
    assert.equal(await badge.getAttribute('title'), 'Ended: no activity')
    assert.equal(await page.locator('[data-testid="request-row"][data-endpoint="end"]').count(), 1)
    const count = sent.length
    await sleep(3_000)
    assert.equal(sent.length, count, 'no keep-alive after the end')
    await screenshot(page, 'unattended-tab-idle-timeout')
    await context.close()
  })

  test('real offline: no requests while offline, one at once back online', async (t) => {
    const { context, page } = await newPage()
    const sent = recordKeepAlives(page)
    await openStory(page, demo.url, 'hook-healthy', 'interval=2000')
    await page.waitForSelector('[data-testid="session-card"] [role="status"][data-state="alive"]')
    await context.setOffline(true)
    await page.waitForSelector('[data-testid="session-card"] [role="status"][data-state="offline"]')
    const offlineCount = sent.length
    await sleep(6_000)
    assert.equal(sent.length, offlineCount, 'nothing sent while offline')
    const onlineAt = Date.now()
    await context.setOffline(false)
    await page.waitForSelector('[data-testid="session-card"] [role="status"][data-state="alive"]')
    const latency = sent[offlineCount] - onlineAt
    t.diagnostic(`offline → online: first keep-alive after ${latency} ms`)
    assert.ok(latency < 1_000, `first keep-alive ${latency} ms after going online`)
    await screenshot(page, 'offline-recovered')
    await context.close()
  })
})
