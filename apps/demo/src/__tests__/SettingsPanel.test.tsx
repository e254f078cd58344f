import { act } from 'react'
import { expect, test, vi } from 'vitest'
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

async function fill(host: HTMLElement, baseUrl: string): Promise<void> {
  await act(async () => {
    type(host.querySelector('#real-region'), 'custom')
    type(byTestId(host, 'real-base-url'), baseUrl)
    type(byTestId(host, 'real-session-id'), 'real-1')
    type(byTestId(host, 'real-token'), 'real-token-1')
  })
}

test('a base URL with credentials is refused beside the field, without repeating it', async () => {
  const onConnect = vi.fn()
  const host = await mount(
    <SettingsPanel
      connection={{ mode: 'mock' }}
      worker={{ state: 'running' }}
      onConnect={onConnect}
      onUseMock={() => {}}
    />,
  )
  await fill(host, 'https://me:hunter2pass@proxy.example/v1')
  const connect = byTestId(host, 'connect-real') as HTMLButtonElement
  expect(connect.disabled).toBe(true)
  const error = byTestId(host, 'real-base-url-error')
  expect(error?.textContent).toMatch(/baseUrl.*credentials/)
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
