// @vitest-environment node
import { expect, test } from 'vitest'
import { copier } from './copier'
import { createWorld } from './engineWorld'
import { replay } from './modelChecker'
import { advance, consumer, deliver, deliverLock, freeze, keep, thaw } from './worldActions'

test("the world's copies hold every field of a world, its lines, tabs and engine states, as a walk leaves them", () => {
  // The world makes its copiers from the empty world's objects (engineWorld.ts).
  const empty = createWorld(2)
  const { world, violations } = replay(2, [
    keep(0),
    keep(1),
    deliverLock(0),
    advance('next'),
    freeze(0),
    consumer(1, 'keep1'),
    advance(15_000),
    deliver(1),
    thaw(0),
    advance('next'),
  ])
  expect(violations).toEqual([])
  const pairs = [
    [empty, world],
    [empty.lines[0]!, world.lines[0]!],
    ...world.tabs.map((tab) => [empty.tabs[0]!, tab]),
    ...world.tabs.map((tab) => [empty.tabs[0]!.engine, tab.engine]),
  ] as const
  for (const [sample, value] of pairs) {
    const copy = copier(sample as typeof value)(value)
    expect(copy).not.toBe(value)
    expect(copy).toStrictEqual(value)
  }
})

test('a type with an optional field has no copier: a sample might lack the field', () => {
  const sample: { a: number; b?: number } = { a: 1 }
  // @ts-expect-error: `b` is optional
  const copy = copier(sample)
  expect(copy({ a: 1, b: 2 })).toEqual({ a: 1 })
})
