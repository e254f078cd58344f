import { act } from '@testing-library/react'
import { describe, expect, test, vi } from 'vitest'
import {
  AvatarKeepAliveError,
  avatarSessionStore,
  createAvatarSessionStore,
  endAvatarSession,
  IDLE_SNAPSHOT,
} from '../core/index'
import { advance, renderKeepAlive, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()

const ends = () => api.requests.filter((r) => r.endpoint === 'end')

describe('endAvatarSession', () => {
  test('sends POST {base}/avatar-session/{id}/end with the Bearer token and {}', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))
    const store = createAvatarSessionStore()
    const result = endAvatarSession({
      sessionId: 'a/b',
      token: 'token-1',
      baseUrl: 'https://api.avatar.eu.kaltura.ai/v1/',
      fetch,
      store,
    })
    await advance(0)
    await expect(result).resolves.toBe('ended')
    expect(fetch).toHaveBeenCalledWith(
      'https://api.avatar.eu.kaltura.ai/v1/avatar-session/a%2Fb/end',
      expect.objectContaining({
        method: 'POST',
        body: '{}',
        headers: { Authorization: 'Bearer token-1', 'Content-Type': 'application/json' },
      }),
    )
    expect(fetch.mock.calls[0]![1]).not.toHaveProperty('keepalive')
  })

  test('keepalive: true reaches fetch', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))
    const result = endAvatarSession({ sessionId: 's1', token: 't', fetch, keepalive: true })
    await advance(0)
    await result
    expect(fetch.mock.calls[0]![1]).toMatchObject({ keepalive: true })
  })

  test('ends the session on the server and marks the store entry expired', async () => {
    const store = createAvatarSessionStore()
    const aliveAt = Date.now()
    store
      .session('s1')
      .setState({ ...IDLE_SNAPSHOT, status: 'alive', isAlive: true, lastAliveAt: aliveAt }, true)
    const result = endAvatarSession({ sessionId: 's1', token: 'token-1', store })
    // At once: keep-alives stop now.
    expect(store.get('s1')).toMatchObject({
      status: 'expired',
      isAlive: false,
      endReason: 'ended',
      lastAliveAt: aliveAt,
    })
    await advance(0)
    await expect(result).resolves.toBe('ended')
    expect(api.isEnded('s1')).toBe(true)
    expect(ends()).toHaveLength(1)
  })

  test('marks the default store when none is given', async () => {
    const result = endAvatarSession({ sessionId: 's1', token: 'token-1' })
    expect(avatarSessionStore.get('s1')).toMatchObject({ status: 'expired', endReason: 'ended' })
    await advance(0)
    await expect(result).resolves.toBe('ended')
  })

  test('records the reason it is given', async () => {
    const store = createAvatarSessionStore()
    const result = endAvatarSession({
      sessionId: 's1',
      token: 'token-1',
      store,
      reason: 'idle-timeout',
    })
    expect(store.get('s1')).toMatchObject({ status: 'expired', endReason: 'idle-timeout' })
    await advance(0)
    await result
  })

  test('ending an ended session keeps the first reason', async () => {
    const store = createAvatarSessionStore()
    const first = endAvatarSession({
      sessionId: 's1',
      token: 'token-1',
      store,
      reason: 'page-hide',
    })
    await advance(0)
    await first
    const second = endAvatarSession({ sessionId: 's1', token: 'token-1', store })
    await advance(0)
    await expect(second).resolves.toBe('already-ended')
    expect(store.get('s1').endReason).toBe('page-hide')
  })

  test.each([
    ['410, already ended', 410],
    ['404, unknown', 404],
  ])('%s → already-ended, not an error', async (_, code) => {
    const fetch = vi.fn(async () =>
      Response.json({ success: false, error: 'Session ended' }, { status: code }),
    )
    const result = endAvatarSession({ sessionId: 's1', token: 'token-1', fetch })
    await advance(0)
    await expect(result).resolves.toBe('already-ended')
  })

  test('ending twice against the mock: the second answer is already-ended', async () => {
    const first = endAvatarSession({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    await first
    const second = endAvatarSession({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    await expect(second).resolves.toBe('already-ended')
  })

  test.each([
    [401, 'unauthorized'],
    [500, 'server'],
  ])('%i rejects with an AvatarKeepAliveError of kind %s', async (code, kind) => {
    const fetch = vi.fn(async () =>
      Response.json({ success: false, error: 'nope token-secret' }, { status: code }),
    )
    const result = endAvatarSession({ sessionId: 's1', token: 'token-secret', fetch })
    result.catch(() => {})
    await advance(0)
    const error = await result.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AvatarKeepAliveError)
    expect(error).toMatchObject({ kind, httpStatus: code })
    expect((error as Error).message).not.toContain('token-secret')
  })

  test('bad input throws before anything is sent or stored', async () => {
    const fetch = vi.fn()
    const store = createAvatarSessionStore()
    await expect(endAvatarSession({ sessionId: '', token: 't', fetch, store })).rejects.toThrow(
      TypeError,
    )
    await expect(endAvatarSession({ sessionId: 's1', token: '', fetch, store })).rejects.toThrow(
      TypeError,
    )
    expect(fetch).not.toHaveBeenCalled()
    expect(store.getState().sessions).toEqual({})
  })

  test('a token that is not a valid header value rejects with invalid-token, unsent', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>()
    const store = createAvatarSessionStore()
    const error = await endAvatarSession({ sessionId: 's1', token: 'a\nb', fetch, store }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AvatarKeepAliveError)
    expect(error).toMatchObject({ kind: 'invalid-token', httpStatus: null })
    expect(fetch).not.toHaveBeenCalled()
    // Nothing was ended, so the session is not shown ended.
    expect(store.get('s1')).toBe(IDLE_SNAPSHOT)
  })

  // A server's request-scoped signal, its client gone: the session was shown ended (and its
  // keep-alives stopped for good) though no end request was sent, so it was left unkept.
  test('a signal aborted already rejects with its reason, unsent, and keeps the session going', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    const reason = new Error('client gone')
    const ending = endAvatarSession({
      sessionId: 's1',
      token: 'token-1',
      store: view.store,
      signal: AbortSignal.abort(reason),
    })
    await expect(ending).rejects.toBe(reason)
    expect(ends()).toHaveLength(0)
    expect(view.latest().status).toBe('alive')
    await advance(10_000)
    expect(api.count('s1')).toBe(2)
  })

  test('a running keep-alive stops once the session is ended', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    await act(async () => {
      const done = endAvatarSession({ sessionId: 's1', token: 'token-1', store: view.store })
      await vi.advanceTimersByTimeAsync(0)
      await done
    })
    expect(view.latest().status).toBe('expired')
    expect(view.latest().endReason).toBe('ended')
    await advance(60_000)
    expect(api.count('s1')).toBe(1)
  })
})

describe('endOnPageHide', () => {
  const pageHide = () =>
    act(() => {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }))
    })

  test('ends the session on pagehide with keepalive: true, once for all consumers', async () => {
    const fetch = vi.fn(globalThis.fetch)
    const view = renderKeepAlive(
      { sessionId: 's1', token: 'token-1', options: { endOnPageHide: true, fetch } },
      { consumers: 3 },
    )
    await advance(0)
    pageHide()
    await advance(0)
    const endCalls = fetch.mock.calls.filter(([url]) => String(url).endsWith('/end'))
    expect(endCalls).toHaveLength(1)
    expect(endCalls[0]![1]).toMatchObject({
      keepalive: true,
      // Not followed, as a keep-alive's is not (a 302 would send it on as a GET).
      redirect: 'manual',
      method: 'POST',
      headers: { Authorization: 'Bearer token-1', 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(ends()).toHaveLength(1)
    expect(api.isEnded('s1')).toBe(true)
    expect(view.latest().status).toBe('expired')
    expect(view.latest().endReason).toBe('page-hide')
    await advance(60_000)
    expect(api.count('s1')).toBe(1)
  })

  // Firefox cuts off a closing tab's script a millisecond or two into pagehide, usually in the
  // first listener: whatever runs before the fetch may be all that runs (issue #21).
  test('the end request is the first thing pagehide does: sent before any listener or store write', async () => {
    const seen: string[] = []
    const fetch = vi.fn<typeof globalThis.fetch>((input, init) => {
      if (String(input).endsWith('/end')) {
        seen.push(`fetch ${view.snapshot().status} keepalive=${String(init?.keepalive)}`)
      }
      return globalThis.fetch(input, init)
    })
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { endOnPageHide: true, fetch },
    })
    await advance(0)
    // An app's own listener, added after the hook's and before the page goes away.
    window.addEventListener('pagehide', () => seen.push('app listener'))
    view.store.session('s1').subscribe(() => seen.push('store write'))
    let returned = false
    act(() => {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }))
      returned = true
    })
    expect(returned).toBe(true)
    expect(seen[0]).toBe('fetch alive keepalive=true')
    expect(seen.filter((entry) => entry.startsWith('fetch'))).toHaveLength(1)
    await advance(0)
    expect(ends()).toHaveLength(1)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'page-hide' })
  })

  test('two sessions kept with endOnPageHide: both ends go first, one request each', async () => {
    const first: string[] = []
    const fetch = vi.fn<typeof globalThis.fetch>((input, init) => {
      first.push(String(input).split('/').slice(-2).join('/'))
      return globalThis.fetch(input, init)
    })
    const one = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { endOnPageHide: true, fetch },
    })
    renderKeepAlive({
      sessionId: 's2',
      token: 'token-2',
      options: { endOnPageHide: true, fetch, store: one.store },
    })
    await advance(0)
    first.length = 0
    one.store.session('s1').subscribe(() => first.push('store write'))
    pageHide()
    expect(first.slice(0, 2).sort()).toEqual(['s1/end', 's2/end'])
    await advance(0)
    expect(ends()).toHaveLength(2)
  })

  test('does not end the session on unmount', async () => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { endOnPageHide: true },
    })
    await advance(0)
    view.unmount()
    await advance(0)
    pageHide()
    await advance(0)
    expect(ends()).toHaveLength(0)
    expect(api.isEnded('s1')).toBe(false)
  })

  test('does nothing on pagehide when not enabled (the default)', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    pageHide()
    await advance(0)
    expect(ends()).toHaveLength(0)
  })

  test('does nothing on pagehide while the hook is disabled', async () => {
    renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { endOnPageHide: true, enabled: false },
    })
    await advance(0)
    pageHide()
    await advance(0)
    expect(ends()).toHaveLength(0)
  })
})
