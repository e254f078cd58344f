import { useRef, useState } from 'react'
import {
  AVATAR_API_EU,
  AVATAR_API_US,
  isValidSessionId,
  isValidToken,
} from 'react-avatar-keepalive'
import { keepAliveUrl } from 'react-avatar-keepalive/core'
import { formatSeconds } from '../components/format'
import { MOCK_BASE_URL, MOCK_IDLE_TIMEOUT, MOCK_SESSION_IDS } from '../mock/api'
import type { Connection } from '../story/DemoContext'

export type WorkerState =
  | { state: 'starting' }
  | { state: 'running' }
  | { state: 'stopped' }
  | { state: 'failed'; message: string }

interface SettingsPanelProps {
  connection: Connection
  worker: WorkerState
  onConnect: (connection: Extract<Connection, { mode: 'real' }>) => void
  onUseMock: () => void
}

const PRESETS = { us: AVATAR_API_US, eu: AVATAR_API_EU } as const
type Preset = keyof typeof PRESETS | 'custom'

// The demo's own words: the package's error says why only in development builds, and then only
// where `process.env.NODE_ENV` exists (not in a browser running its source).
const BASE_URL_RULE =
  'Must be an http(s) URL or a path, with no whitespace, backslash, credentials, query or fragment.'
const SESSION_ID_RULE = 'Must not be . or .., nor hold half of an emoji (a lone surrogate).'
const TOKEN_RULE =
  'The package refuses this token before sending it: printable ASCII only, with no spaces. Paste the token alone, without “Bearer ”.'

/** Whether the package refuses `baseUrl` (credentials, a query…). */
function refusesBaseUrl(baseUrl: string): boolean {
  if (baseUrl === '') return false
  try {
    keepAliveUrl('session', baseUrl)
    return false
  } catch {
    return true
  }
}

export function SettingsPanel({ connection, worker, onConnect, onUseMock }: SettingsPanelProps) {
  const [preset, setPreset] = useState<Preset>('us')
  const [customUrl, setCustomUrl] = useState('')
  const [sessionIdText, setSessionIdText] = useState('')
  // Uncontrolled, so React never copies the token into the input's `value` attribute (where a DOM
  // snapshot would find it); read on connect and kept in memory only. Only whether it is there
  // and valid is state.
  const tokenInput = useRef<HTMLInputElement>(null)
  const [token, setToken] = useState<'none' | 'valid' | 'invalid'>('none')
  const baseUrl = preset === 'custom' ? customUrl.trim() : PRESETS[preset]
  const baseUrlError = refusesBaseUrl(baseUrl) ? BASE_URL_RULE : null
  const sessionId = sessionIdText.trim()
  const sessionIdError = sessionId !== '' && !isValidSessionId(sessionId) ? SESSION_ID_RULE : null
  const tokenError = token === 'invalid' ? TOKEN_RULE : null
  const canConnect =
    baseUrl !== '' && baseUrlError === null && isValidSessionId(sessionId) && token === 'valid'
  const real = connection.mode === 'real'
  const connect = (): void => {
    const value = tokenInput.current?.value ?? ''
    if (canConnect && isValidToken(value))
      onConnect({ mode: 'real', baseUrl, sessionId, token: value })
  }
  const forget = (): void => {
    if (tokenInput.current) tokenInput.current.value = ''
    setToken('none')
    onUseMock()
  }

  return (
    <div className="settings" data-testid="settings-panel">
      <section className="settings__section">
        <h2>API</h2>
        <div className="radios" role="radiogroup" aria-label="API">
          <label>
            <input
              type="radio"
              name="mode"
              checked={!real}
              onChange={onUseMock}
              data-testid="mode-mock"
            />
            Mock API in the browser
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              checked={real}
              disabled={!canConnect && !real}
              onChange={connect}
              data-testid="mode-real"
            />
            Real endpoint
          </label>
        </div>
        <dl className="facts facts--compact">
          <div>
            <dt>mock worker</dt>
            <dd data-testid="worker-state">
              {worker.state === 'failed' ? `failed: ${worker.message}` : worker.state}
            </dd>
          </div>
          <div>
            <dt>mock base URL</dt>
            <dd>
              <code>{MOCK_BASE_URL}</code>
            </dd>
          </div>
          <div>
            <dt>mock idle timeout</dt>
            <dd>{formatSeconds(MOCK_IDLE_TIMEOUT)}</dd>
          </div>
          <div>
            <dt>mock sessions</dt>
            <dd>{MOCK_SESSION_IDS.join(', ')}</dd>
          </div>
        </dl>
        <p className="muted">
          In mock mode msw&rsquo;s service worker answers every keep-alive with
          <code> createAvatarApiMock()</code> from <code>react-avatar-keepalive/testing</code>; each
          story resets and configures it.
        </p>
      </section>

      <section className="settings__section">
        <h2>Real endpoint</h2>
        <div className="form-grid">
          <label htmlFor="real-region">Region</label>
          <select
            id="real-region"
            value={preset}
            onChange={(event) => setPreset(event.target.value as Preset)}
          >
            <option value="us">US · AVATAR_API_US</option>
            <option value="eu">EU · AVATAR_API_EU</option>
            <option value="custom">Custom base URL (your proxy)</option>
          </select>

          <label htmlFor="real-base-url">Base URL</label>
          <input
            id="real-base-url"
            type="url"
            value={baseUrl}
            readOnly={preset !== 'custom'}
            placeholder="https://example.com/avatar-api/v1"
            onChange={(event) => setCustomUrl(event.target.value)}
            aria-invalid={baseUrlError !== null}
            aria-describedby={baseUrlError === null ? undefined : 'real-base-url-error'}
            data-testid="real-base-url"
          />
          <FieldError id="real-base-url-error" text={baseUrlError} />

          <label htmlFor="real-session-id">Session id</label>
          <input
            id="real-session-id"
            type="text"
            value={sessionIdText}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setSessionIdText(event.target.value)}
            aria-invalid={sessionIdError !== null}
            aria-describedby={sessionIdError === null ? undefined : 'real-session-id-error'}
            data-testid="real-session-id"
          />
          <FieldError id="real-session-id-error" text={sessionIdError} />

          <label htmlFor="real-token">Session token</label>
          <input
            id="real-token"
            type="password"
            ref={tokenInput}
            defaultValue=""
            autoComplete="off"
            spellCheck={false}
            data-1p-ignore=""
            data-lpignore="true"
            onChange={({ target: { value } }) =>
              setToken(value === '' ? 'none' : isValidToken(value) ? 'valid' : 'invalid')
            }
            aria-invalid={tokenError !== null}
            aria-describedby={tokenError === null ? undefined : 'real-token-error'}
            data-testid="real-token"
          />
          <FieldError id="real-token-error" text={tokenError} />
        </div>
        <p className="notice" role="note">
          The token stays in this page&rsquo;s memory only: it is never put in the URL,
          localStorage, sessionStorage or any log, and a reload forgets it (a window the Two tabs
          story opened asks this one for it again). It is sent only as{' '}
          <code>Authorization: Bearer …</code> to the base URL above.
        </p>
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={!canConnect}
            onClick={connect}
            data-testid="connect-real"
          >
            {real ? 'Reconnect' : 'Use the real endpoint'}
          </button>
          <button type="button" disabled={!real && token === 'none'} onClick={forget}>
            Forget the token and use the mock
          </button>
        </div>
        <p className="muted">
          The mock worker is stopped while the real endpoint is used. The browser calls the API
          directly, so the API must allow this origin (CORS); if it does not, point a custom base
          URL at a proxy of yours. Stories that drive the mock (failures, token revocation…) do
          nothing to a real server.
        </p>
      </section>
    </div>
  )
}

/** A refusal beside its field (`aria-describedby` of the field points here). */
function FieldError({ id, text }: { id: string; text: string | null }) {
  if (text === null) return null
  return (
    <p id={id} className="form-grid__error" data-testid={id}>
      {text}
    </p>
  )
}
