import type { QueryClient } from '@tanstack/react-query'
import { createRef, type ComponentProps, type ComponentPropsWithRef, type Ref } from 'react'
import { describe, expectTypeOf, test } from 'vitest'
import {
  AVATAR_API_EU,
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  createAvatarSessionStore,
  endAvatarSession,
  sendKeepAlive,
  SessionStatusBadge,
  useAvatarKeepAlive,
  useSessionStatus,
  type AvatarKeepAliveErrorKind,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
  type AvatarSessionStore,
  type SessionStatus,
  type UseAvatarKeepAliveOptions,
  type UseAvatarKeepAliveResult,
} from '../index'
import * as core from '../core/index'
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
      ping: () => Promise<AvatarSessionStatus>
    }>()
  })

  test('options', () => {
    expectTypeOf<UseAvatarKeepAliveOptions>().toEqualTypeOf<{
      baseUrl?: string
      interval?: number
      timeout?: number
      retry?: boolean
      enabled?: boolean
      endOnPageHide?: boolean
      fetch?: typeof fetch
      queryClient?: QueryClient
      store?: AvatarSessionStore
      onStatusChange?: (status: AvatarSessionStatus, previous: AvatarSessionStatus) => void
      onExpired?: () => void
      onError?: (error: AvatarKeepAliveError) => void
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
  })

  test('the error', () => {
    expectTypeOf<AvatarKeepAliveError>().toMatchTypeOf<Error>()
    expectTypeOf<AvatarKeepAliveError['kind']>().toEqualTypeOf<AvatarKeepAliveErrorKind>()
    expectTypeOf<AvatarKeepAliveError['httpStatus']>().toEqualTypeOf<number | null>()
    expectTypeOf<AvatarKeepAliveError['retryAfter']>().toEqualTypeOf<number | null>()
    expectTypeOf<AvatarKeepAliveError['retryable']>().toEqualTypeOf<boolean>()
  })

  test('the core', () => {
    expectTypeOf(sendKeepAlive).returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf(endAvatarSession).returns.toEqualTypeOf<Promise<'ended' | 'already-ended'>>()
    expectTypeOf<typeof core.AVATAR_API_US>().toEqualTypeOf<'https://api.avatar.us.kaltura.ai/v1'>()
    expectTypeOf<typeof AVATAR_API_EU>().toEqualTypeOf<'https://api.avatar.eu.kaltura.ai/v1'>()
    expectTypeOf(createAvatarSessionStore).returns.toEqualTypeOf<AvatarSessionStore>()
    expectTypeOf<ReturnType<AvatarSessionStore['getState']>['sessions']>().toEqualTypeOf<
      Record<string, AvatarSessionSnapshot>
    >()
  })
})

describe('useSessionStatus and the badge', () => {
  test('useSessionStatus without and with a selector', () => {
    expectTypeOf(useSessionStatus('s1')).toEqualTypeOf<SessionStatus>()
    expectTypeOf(useSessionStatus('s1', { selector: (s) => s.lastAliveAt })).toEqualTypeOf<
      number | null
    >()
    expectTypeOf<SessionStatus>().toMatchTypeOf<AvatarSessionSnapshot>()
    expectTypeOf<SessionStatus['label']>().toEqualTypeOf<string>()
  })

  test('the badge takes span props and forwards a span ref', () => {
    type Props = ComponentProps<typeof SessionStatusBadge>
    expectTypeOf<Props['sessionId']>().toEqualTypeOf<string | null | undefined>()
    expectTypeOf<Props>().toHaveProperty('className')
    expectTypeOf<Props>().toHaveProperty('onClick')
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
