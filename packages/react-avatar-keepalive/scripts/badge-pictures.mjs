// Renders the real <SessionStatusBadge> for every status, light and dark side by side, with the
// package's styles.css, and saves docs/badge-statuses.png (the README picture).
//
//   pnpm --filter react-avatar-keepalive pictures
//
// The component is loaded from src/ through Vite's SSR loader, so the picture never shows a stale
// build, and rendered with react-dom/client in a jsdom document: a server render of the badge is
// always idle (it is what hydration must match), whatever the store holds. Needs Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium) or
// CHROMIUM_PATH=/path/to/chromium.
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../../../scripts/chromium.mjs'
import { JSDOM } from 'jsdom'
import { createElement } from 'react'
import { createServer } from 'vite'

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const output = resolve(packageDir, '../../docs/badge-statuses.png')
const ID = 'session'

const vite = await createServer({
  root: packageDir,
  configFile: false,
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false },
})
const lib = await vite.ssrLoadModule('/src/index.ts')
await vite.close()
const { AVATAR_SESSION_STATUSES, AvatarKeepAliveError, SessionStatusBadge } = lib
const { createAvatarSessionStore, IDLE_SNAPSHOT } = lib

/** A store holding the session in `status`; `ago` is the last success, in s. */
function storeIn(status, ago = 3) {
  const store = createAvatarSessionStore({ crossTab: null })
  const at = Date.now() - ago * 1000
  const failed = (kind) => ({ consecutiveFailures: 1, error: new AvatarKeepAliveError({ kind }) })
  const wasAlive = { lastAttemptAt: at, lastAliveAt: at }
  const fields = {
    idle: {},
    connecting: { lastAttemptAt: at },
    alive: { ...wasAlive, isAlive: true },
    degraded: { ...wasAlive, isAlive: true, ...failed('network') },
    offline: wasAlive,
    expired: { lastAttemptAt: at, endReason: 'server', ...failed('expired') },
    'not-found': { lastAttemptAt: at, endReason: 'not-found', ...failed('not-found') },
    unauthorized: { lastAttemptAt: at, ...failed('unauthorized') },
    error: { lastAttemptAt: at, ...failed('bad-request') },
    stopped: wasAlive,
  }[status]
  if (!fields) throw new Error(`no snapshot for the status ${status}`)
  if (status !== 'idle') store.session(ID).setState({ ...IDLE_SNAPSHOT, ...fields, status }, true)
  return store
}

// react-dom decides at load time whether it has a DOM, so the globals come first.
const { window } = new JSDOM('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { window, document: window.document })
// Node 21 and later have a navigator of their own.
globalThis.navigator ??= window.navigator
const { flushSync } = await import('react-dom')
const { createRoot } = await import('react-dom/client')

function badge(status, { ago, ...props } = {}) {
  const container = document.createElement('div')
  const root = createRoot(container)
  flushSync(() =>
    root.render(
      createElement(SessionStatusBadge, { sessionId: ID, store: storeIn(status, ago), ...props }),
    ),
  )
  const html = container.innerHTML
  const state = container.querySelector('[data-state]')?.getAttribute('data-state')
  // Unmounting also stops the last-ping clock.
  root.unmount()
  if (state !== status) throw new Error(`expected a ${status} badge, rendered ${state}`)
  return html
}

const rows = [
  ...AVATAR_SESSION_STATUSES.map((status) => ({ name: status, status, props: {} })),
  { name: 'alive', note: 'showLastPing', status: 'alive', props: { showLastPing: true, ago: 3 } },
  {
    name: 'degraded',
    note: 'showLastPing',
    status: 'degraded',
    props: { showLastPing: true, ago: 24 },
  },
]

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<style>${readFileSync(resolve(packageDir, 'src/styles.css'), 'utf8')}</style>
<style>
  html { color-scheme: light; }
  body { margin: 0; font: 14px/1.4 system-ui, 'DejaVu Sans', sans-serif; background: #fff; }
  table { border-collapse: collapse; margin: 0; }
  th, td { padding: 8px 20px; text-align: left; vertical-align: middle; }
  thead th { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; }
  thead th:first-child { color: #59636e; }
  tbody th { font-weight: 400; color: #1f2328; white-space: nowrap; }
  code { font: 13px/1.4 ui-monospace, 'DejaVu Sans Mono', monospace; }
  small { display: block; color: #59636e; font-size: 12px; }
  [data-panel] { width: 240px; }
  [data-panel='light'] { --rak-badge-color-scheme: light; background: #ffffff; color: #59636e; }
  [data-panel='dark'] { --rak-badge-color-scheme: dark; color-scheme: dark; background: #0d1117; color: #9198a1; }
  tbody tr + tr > * { border-top: 1px solid #eaeef2; }
  tbody tr + tr > [data-panel='dark'] { border-top-color: #21262d; }
  tbody tr:first-child > * { padding-top: 14px; }
  tbody tr:last-child > * { padding-bottom: 14px; }
  thead th { padding-top: 14px; }
</style>
</head>
<body>
<table>
  <thead>
    <tr><th>Status</th><th data-panel="light">Light</th><th data-panel="dark">Dark</th></tr>
  </thead>
  <tbody>
${rows
  .map(
    ({ name, note, status, props }) => `    <tr>
      <th scope="row"><code>${name}</code>${note ? `<small>${note}</small>` : ''}</th>
      <td data-panel="light">${badge(status, props)}</td>
      <td data-panel="dark">${badge(status, props)}</td>
    </tr>`,
  )
  .join('\n')}
  </tbody>
</table>
</body>
</html>
`

const browser = await launchChromium()
try {
  const context = await browser.newContext({
    viewport: { width: 900, height: 600 },
    deviceScaleFactor: 2,
    colorScheme: 'light',
    reducedMotion: 'reduce',
  })
  const tab = await context.newPage()
  await tab.setContent(html, { waitUntil: 'load' })
  mkdirSync(dirname(output), { recursive: true })
  await tab.locator('table').screenshot({ path: output, animations: 'disabled' })
  console.log(`wrote ${output} (${rows.length} rows)`)
} finally {
  await browser.close()
}
