import type { QueryClient } from '@tanstack/react-query'
import { createRef, type ComponentProps, type ComponentPropsWithRef, type Ref } from 'react'
import { describe, expectTypeOf, test } from 'vitest'
import {
  AVATAR_API_EU,
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  createAvatarSessionStore,
  endAvatarSession,
  IDLE_SNAPSHOT,
  isTerminalStatus,
  isValidToken,
  keepAvatarSessionAlive,
  sendKeepAlive,
  sessionEndText,
  SessionStatusBadge,
  useAvatarKeepAlive,
  useSessionStatus,
  type AvatarKeepAliveErrorKind,
  type AvatarSessionEndReason,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
  type AvatarSessionStore,
  type KeepAliveHandle,
  type MissedKeepAlives,
  type SessionStatus,
  type TabCoordination,
  type UseAvatarKeepAliveOptions,
  type UseAvatarKeepAliveResult,
} from '../index'
import * as core from '../core/index'
import type * as root from '../index'
import {
  createAvatarApiMock,
  type AvatarApiMock,
  type MockAnswer,
  type MockRequest,
} from '../testing/index'

describe('useAvatarKeepAlive', () => {
  test('accepts nullable ids and tokens, and optional options', () => {
    expectTypeOf(useAvatarKeepAlive).parameter(0).toEqualTypeOf<string | null | undefined>()
    expectTypeOf(useAvatarKeepAlive).parameter(1).toEqualTypeOf<string | null | undefined>()
    expectTypeOf(useAvatarKeepAlive)
      .parameter(2)
      .toEqualTypeOf<UseAvatarKeepAliveOptions | undefined>()
    expectTypeOf(useAvatarKeepAlive).returns.toEqualTypeOf<UseAvatarKeepAliveResult>()
  })

  test('result', () => {
    expectTypeOf<UseAvatarKeepAliveResult>().toEqualTypeOf<{
      status: AvatarSessionStatus
      isAlive: boolean
      error: AvatarKeepAliveError | null
      endReason: AvatarSessionEndReason | null
      ping: () => Promise<AvatarSessionStatus>
      markActive: () => void
    }>()
  })

  test('options', () => {
    expectTypeOf<UseAvatarKeepAliveOptions>().toEqualTypeOf<{
      baseUrl?: string
      interval?: number
      timeout?: number
      retry?: boolean
      hiddenTimeout?: number
      idleTimeout?: number
      idleWarning?: number
      enabled?: boolean
      endOnPageHide?: boolean
      crossTab?: boolean
      fetch?: typeof fetch
      queryClient?: QueryClient
      store?: AvatarSessionStore
      onStatusChange?: (status: AvatarSessionStatus, previous: AvatarSessionStatus) => void
      onExpired?: (reason: AvatarSessionEndReason | null) => void
      onError?: (error: AvatarKeepAliveError) => void
      onIdleWarning?: (msLeft: number) => void
    }>()
    // @ts-expect-error durations are numbers of ms
    const bad: UseAvatarKeepAliveOptions = { interval: '10s' }
    void bad
  })
})

describe('statuses and errors', () => {
  test('the status union', () => {
    expectTypeOf<AvatarSessionStatus>().toEqualTypeOf<
      | 'idle'
      | 'connecting'
      | 'alive'
      | 'degraded'
      | 'offline'
      | 'expired'
      | 'not-found'
      | 'unauthorized'
      | 'error'
      | 'stopped'
    >()
    expectTypeOf(AVATAR_SESSION_STATUSES).toEqualTypeOf<readonly AvatarSessionStatus[]>()
    expectTypeOf(isTerminalStatus).toEqualTypeOf<(status: AvatarSessionStatus) => boolean>()
  })

  test('the end reasons', () => {
    expectTypeOf<AvatarSessionEndReason>().toEqualTypeOf<
      'server' | 'not-found' | 'ended' | 'page-hide' | 'hidden-timeout' | 'idle-timeout' | 'missed'
    >()
    expectTypeOf<MissedKeepAlives>().toEqualTypeOf<{
      cause: 'hidden' | 'frozen' | 'offline'
      silentFor: number
    }>()
    expectTypeOf(sessionEndText).toEqualTypeOf<
      (reason: AvatarSessionEndReason, missed: MissedKeepAlives | null) => string
    >()
  })

  test('the error', () => {
    expectTypeOf<AvatarKeepAliveError>().toMatchTypeOf<Error>()
    expectTypeOf<AvatarKeepAliveError['kind']>().toEqualTypeOf<AvatarKeepAliveErrorKind>()
    expectTypeOf<AvatarKeepAliveError['httpStatus']>().toEqualTypeOf<number | null>()
    expectTypeOf<AvatarKeepAliveError['retryAfter']>().toEqualTypeOf<number | null>()
    expectTypeOf<AvatarKeepAliveError['retryable']>().toEqualTypeOf<boolean>()
    expectTypeOf<AvatarKeepAliveErrorKind>().toEqualTypeOf<
      | 'expired'
      | 'not-found'
      | 'unauthorized'
      | 'invalid-token'
      | 'bad-request'
      | 'rate-limited'
      | 'server'
      | 'network'
      | 'timeout'
      | 'invalid-response'
    >()
  })

  test('the core', () => {
    expectTypeOf(sendKeepAlive).returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf(endAvatarSession).returns.toEqualTypeOf<Promise<'ended' | 'already-ended'>>()
    expectTypeOf<typeof core.AVATAR_API_US>().toEqualTypeOf<'https://api.avatar.us.kaltura.ai/v1'>()
    expectTypeOf<typeof AVATAR_API_EU>().toEqualTypeOf<'https://api.avatar.eu.kaltura.ai/v1'>()
    expectTypeOf(isValidToken).guards.toBeString()
    expectTypeOf(keepAvatarSessionAlive).returns.toEqualTypeOf<KeepAliveHandle>()
    expectTypeOf<KeepAliveHandle>().toEqualTypeOf<{
      update: (token: string, options?: core.KeepAvatarSessionAliveOptions) => void
      ping: () => Promise<AvatarSessionStatus>
      markActive: () => void
      stop: () => void
    }>()
    expectTypeOf(endAvatarSession)
      .parameter(0)
      .toHaveProperty('reason')
      .toEqualTypeOf<AvatarSessionEndReason | undefined>()
  })

  test('internals stay internal', () => {
    expectTypeOf<typeof root>().not.toHaveProperty('postToSession')
    expectTypeOf<typeof root>().not.toHaveProperty('recordSession')
    expectTypeOf<typeof root>().not.toHaveProperty('sessionView')
    expectTypeOf<typeof root>().not.toHaveProperty('joinKeeper')
    expectTypeOf<typeof root>().not.toHaveProperty('isHaltedStatus')
    expectTypeOf<typeof core>().not.toHaveProperty('postToSession')
  })
})

describe('the store', () => {
  test('one zustand store per session, read without creating one', () => {
    const store = createAvatarSessionStore()
    expectTypeOf(createAvatarSessionStore).returns.toEqualTypeOf<AvatarSessionStore>()
    expectTypeOf(createAvatarSessionStore)
      .parameter(0)
      .toEqualTypeOf<{ crossTab?: TabCoordination | null } | undefined>()
    expectTypeOf(store.session('s1').getState()).toEqualTypeOf<AvatarSessionSnapshot>()
    // How a story or a test puts a session in a state.
    store
      .session('s1')
      .setState({ ...IDLE_SNAPSHOT, status: 'alive', isAlive: true, lastAliveAt: 1 }, true)
    // @ts-expect-error replacing the snapshot takes a whole one
    store.session('s1').setState({ status: 'alive' }, true)
    expectTypeOf(store.get).toEqualTypeOf<(sessionId: string) => AvatarSessionSnapshot>()
    expectTypeOf<ReturnType<AvatarSessionStore['getState']>>().toEqualTypeOf<{
      sessions: Record<string, AvatarSessionSnapshot>
    }>()
    expectTypeOf(store.clearSession).toEqualTypeOf<(sessionId: string) => void>()
    expectTypeOf(store.clearAll).toEqualTypeOf<() => void>()
    expectTypeOf(store.crossTab).toEqualTypeOf<TabCoordination | null>()
    // Readers read: the old write actions are gone.
    expectTypeOf<AvatarSessionStore>().not.toHaveProperty('subscribe')
    expectTypeOf<ReturnType<AvatarSessionStore['getState']>>().not.toHaveProperty('recordSuccess')
  })

  test('the snapshot', () => {
    expectTypeOf<AvatarSessionSnapshot>().toEqualTypeOf<{
      status: AvatarSessionStatus
      isAlive: boolean
      lastAliveAt: number | null
      lastAttemptAt: number | null
      consecutiveFailures: number
      error: AvatarKeepAliveError | null
      endReason: AvatarSessionEndReason | null
      missed: MissedKeepAlives | null
      endsAt: number | null
    }>()
    expectTypeOf(IDLE_SNAPSHOT).toEqualTypeOf<AvatarSessionSnapshot>()
  })
})

describe('useSessionStatus and the badge', () => {
  test('useSessionStatus without and with a selector', () => {
    expectTypeOf(useSessionStatus('s1')).toEqualTypeOf<SessionStatus>()
    expectTypeOf(useSessionStatus('s1', { selector: (s) => s.lastAliveAt })).toEqualTypeOf<
      number | null
    >()
    expectTypeOf<Omit<SessionStatus, 'label'>>().toEqualTypeOf<AvatarSessionSnapshot>()
    expectTypeOf<SessionStatus['label']>().toEqualTypeOf<string>()
    expectTypeOf<SessionStatus['endReason']>().toEqualTypeOf<AvatarSessionEndReason | null>()
    expectTypeOf(
      useSessionStatus('s1', { selector: (s) => s.endReason }),
    ).toEqualTypeOf<AvatarSessionEndReason | null>()
  })

  test('the badge takes span props and forwards a span ref', () => {
    type Props = ComponentProps<typeof SessionStatusBadge>
    expectTypeOf<Props['sessionId']>().toEqualTypeOf<string | null | undefined>()
    expectTypeOf<Props>().toHaveProperty('className')
    expectTypeOf<Props>().toHaveProperty('onClick')
    expectTypeOf<Props>().not.toHaveProperty('children')
    expectTypeOf<Props['labels']>().toEqualTypeOf<
      Partial<Record<AvatarSessionStatus, string>> | undefined
    >()
    expectTypeOf<Props['getLabel']>().toEqualTypeOf<
      ((status: AvatarSessionStatus) => string) | undefined
    >()
    const ref = createRef<HTMLSpanElement>()
    void (<SessionStatusBadge sessionId="s1" ref={ref} title="t" data-x="1" />)
    void (<SessionStatusBadge sessionId="s1" ref={(span: HTMLSpanElement | null) => void span} />)
    expectTypeOf<ComponentPropsWithRef<typeof SessionStatusBadge>['ref']>().toEqualTypeOf<
      Ref<HTMLSpanElement> | undefined
    >()
    // @ts-expect-error sessionId is required (pass null for none)
    void (<SessionStatusBadge />)
  })
})

describe('testing', () => {
  test('the mock API', () => {
    expectTypeOf(createAvatarApiMock).returns.toEqualTypeOf<AvatarApiMock>()
    expectTypeOf<AvatarApiMock['queue']>().parameters.toEqualTypeOf<MockAnswer[]>()
    expectTypeOf<AvatarApiMock['requests']>().toEqualTypeOf<readonly MockRequest[]>()
    expectTypeOf<MockRequest>().not.toHaveProperty('token')
    expectTypeOf<'hang'>().toMatchTypeOf<MockAnswer>()
    expectTypeOf<{ status: 429; headers: { 'Retry-After': '2' } }>().toMatchTypeOf<MockAnswer>()
  })
})
