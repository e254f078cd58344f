// Renders the real <SessionStatusBadge> for every status, light and dark side by side, with the
// package's styles.css, and saves docs/badge-statuses.png (the README picture).
//
//   pnpm --filter react-avatar-keepalive pictures
//
// The component is loaded from src/ through Vite's SSR loader, so the picture never shows a stale
// build. Needs Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium) or
// CHROMIUM_PATH=/path/to/chromium.
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../../../scripts/chromium.mjs'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
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
const { createAvatarSessionStore } = lib

/** The store actions that lead a session to each status; `ago` is the last success, in s. */
function storeIn(status, ago = 3) {
  const store = createAvatarSessionStore()
  const s = store.getState()
  const lastAliveAt = Date.now() - ago * 1000
  const fail = (kind) => s.recordFailure(ID, new AvatarKeepAliveError({ kind }))
  if (status !== 'idle') s.recordAttempt(ID, lastAliveAt)
  if (['alive', 'degraded', 'offline', 'stopped'].includes(status)) s.recordSuccess(ID, lastAliveAt)
  if (status === 'degraded') fail('network')
  if (status === 'offline') s.recordOffline(ID)
  if (status === 'stopped') s.recordStop(ID)
  if (status === 'expired' || status === 'not-found' || status === 'unauthorized') fail(status)
  if (status === 'error') fail('bad-request')
  const reached = store.getState().sessions[ID]?.status ?? 'idle'
  if (reached !== status) throw new Error(`expected ${status}, reached ${reached}`)
  // Server rendering reads a zustand store's initial state (what hydration must match), so hand the
  // badge a store whose initial state is the state reached above.
  return { ...store, getInitialState: store.getState }
}

const badge = (status, props = {}) =>
  renderToStaticMarkup(
    createElement(SessionStatusBadge, {
      sessionId: ID,
      store: storeIn(status, props.ago),
      ...props,
    }),
  )

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
