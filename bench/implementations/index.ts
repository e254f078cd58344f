import type { ComponentType } from 'react'
import type { ConsumerProps } from './ConsumerProps'
import { NaiveHookConsumer } from './naiveHook'
import { OursConsumer } from './ours'
import { VendorIntervalConsumer } from './vendorInterval'

export type { ConsumerProps } from './ConsumerProps'

export type ImplementationName = 'ours' | 'vendor-interval' | 'naive-hook'

/** Each implementation as a component that keeps one session alive while mounted. */
export const IMPLEMENTATIONS: Record<ImplementationName, ComponentType<ConsumerProps>> = {
  ours: OursConsumer,
  'vendor-interval': VendorIntervalConsumer,
  'naive-hook': NaiveHookConsumer,
}

export const IMPLEMENTATION_NAMES = Object.keys(IMPLEMENTATIONS) as ImplementationName[]
