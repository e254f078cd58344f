import { act } from 'react'
import { afterEach, expect, test, vi } from 'vitest'
import { withoutCredentials } from '../components/format'
import { SettingsPanel } from '../panels/SettingsPanel'
import { byTestId, mount } from './render'

// React tracks an input's value through the prototype's setter, so set it there, then say so.
function type(input: HTMLElement | null, value: string): void {
  const { prototype } = input instanceof HTMLSelectElement ? HTMLSelectElement : HTMLInputElement
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(input, value)
  input?.dispatchEvent(
    new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
  )
}

async function fill(
  host: HTMLElement,
  baseUrl: string,
  sessionId = 'real-1',
  token = 'real-token-1',
): Promise<void> {
  await act(async () => {
    type(host.querySelector('#real-region'), 'custom')
    type(byTestId(host, 'real-base-url'), baseUrl)
    type(byTestId(host, 'real-session-id'), sessionId)
    type(byTestId(host, 'real-token'), token)
  })
}

function mountSettings(onConnect = vi.fn()): Promise<HTMLElement> {
  return mount(
    <SettingsPanel
      connection={{ mode: 'mock' }}
      worker={{ state: 'running' }}
      onConnect={onConnect}
      onUseMock={() => {}}
    />,
  )
}

afterEach(() => vi.unstubAllEnvs())

test('a base URL with credentials is refused beside the field, with a reason', async () => {
  // As in the browser and the built demo: the package's own error then gives no reason.
  vi.stubEnv('NODE_ENV', 'production')
  const onConnect = vi.fn()
  const host = await mountSettings(onConnect)
  await fill(host, 'https://me:hunter2pass@proxy.example/v1')
  const connect = byTestId(host, 'connect-real') as HTMLButtonElement
  expect(connect.disabled).toBe(true)
  const error = byTestId(host, 'real-base-url-error')
  expect(error?.textContent).toMatch(/http\(s\) URL or a path.*credentials/)
  expect(error?.textContent).not.toContain('hunter2pass')
  expect(byTestId(host, 'real-base-url')?.getAttribute('aria-describedby')).toBe(error?.id)

  await fill(host, 'https://proxy.example/v1')
  expect(byTestId(host, 'real-base-url-error')).toBeNull()
  await act(async () => connect.click())
  expect(onConnect).toHaveBeenCalledWith(
    expect.objectContaining({ mode: 'real', baseUrl: 'https://proxy.example/v1' }),
  )
})

test('withoutCredentials drops user:password@ and nothing else', () => {
  expect(withoutCredentials('https://me:pass@proxy.example/v1')).toBe('https://proxy.example/v1')
  expect(withoutCredentials('https://a@b:c@proxy.example/v1@x')).toBe('https://proxy.example/v1@x')
  expect(withoutCredentials('//me@proxy.example')).toBe('//proxy.example')
  expect(withoutCredentials('/api/avatar')).toBe('/api/avatar')
  expect(withoutCredentials('https://api.avatar.us.kaltura.ai/v1')).toBe(
    'https://api.avatar.us.kaltura.ai/v1',
  )
})

test('the session id is trimmed, and one the package refuses says why', async () => {
  const onConnect = vi.fn()
  const host = await mountSettings(onConnect)
  await fill(host, 'https://proxy.example/v1', '..')
  const connect = byTestId(host, 'connect-real') as HTMLButtonElement
  expect(connect.disabled).toBe(true)
  const error = byTestId(host, 'real-session-id-error')
  expect(error?.textContent).toMatch(/not be \. or \.\./)
  expect(byTestId(host, 'real-session-id')?.getAttribute('aria-describedby')).toBe(error?.id)

  await fill(host, 'https://proxy.example/v1', ' real-1 ')
  expect(byTestId(host, 'real-session-id-error')).toBeNull()
  await act(async () => connect.click())
  expect(onConnect).toHaveBeenCalledWith(expect.objectContaining({ sessionId: 'real-1' }))
})

test.each(['Bearer secret-x', 'tök-secret-x'])(
  'a token the package would not send (%s) is refused at the field, never shown',
  async (token) => {
    const onConnect = vi.fn()
    const host = await mountSettings(onConnect)
    await fill(host, 'https://proxy.example/v1', 'real-1', token)
    const connect = byTestId(host, 'connect-real') as HTMLButtonElement
    expect(connect.disabled).toBe(true)
    const error = byTestId(host, 'real-token-error')
    expect(error?.textContent).toMatch(/printable ASCII only, with no spaces/)
    expect(byTestId(host, 'real-token')?.getAttribute('aria-describedby')).toBe(error?.id)
    expect(host.innerHTML).not.toContain('secret-x')
    await act(async () => connect.click())
    expect(onConnect).not.toHaveBeenCalled()

    await fill(host, 'https://proxy.example/v1', 'real-1', 'real-token-1')
    expect(byTestId(host, 'real-token-error')).toBeNull()
    expect(connect.disabled).toBe(false)
  },
)
