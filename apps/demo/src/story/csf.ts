import type { ComponentType, ReactNode } from 'react'

// The subset of Component Story Format (Storybook 8/9) the demo reads, with the same names and
// shapes, so the story files can move to Storybook unchanged.

export type Args = Record<string, unknown>

export type ControlType = 'boolean' | 'number' | 'range' | 'select' | 'radio' | 'text'

export interface Control {
  type: ControlType
  min?: number
  max?: number
  step?: number
  /** Display text for options, keyed by the option's string form. */
  labels?: Record<string, string>
}

export interface ArgType {
  name?: string
  description?: string
  control?: ControlType | Control
  options?: readonly (string | number | boolean)[]
}

export type ArgTypes<TArgs> = { [K in keyof TArgs]?: ArgType }

export interface Parameters {
  docs?: { description?: { component?: string; story?: string } }
  [name: string]: unknown
}

export interface StoryContext<TArgs = Args> {
  id: string
  title: string
  name: string
  args: TArgs
  parameters: Parameters
}

/** Runs before the story renders; may return a cleanup. */
export type BeforeEach<TArgs = Args> = (context: StoryContext<TArgs>) => void | (() => void)

export interface Meta<TArgs = Args> {
  title: string
  /** Overrides the id derived from the title (Storybook's `id`). */
  id?: string
  component?: ComponentType<TArgs & object>
  args?: Partial<TArgs>
  argTypes?: ArgTypes<TArgs>
  parameters?: Parameters
  render?: (args: TArgs, context: StoryContext<TArgs>) => ReactNode
  beforeEach?: BeforeEach<TArgs>
}

export interface StoryObj<TArgs = Args> {
  name?: string
  args?: Partial<TArgs>
  argTypes?: ArgTypes<TArgs>
  parameters?: Parameters
  render?: (args: TArgs, context: StoryContext<TArgs>) => ReactNode
  beforeEach?: BeforeEach<TArgs>
}

/** A CSF 2 story: a function of the args. */
export type StoryFn<TArgs = Args> = (args: TArgs, context: StoryContext<TArgs>) => ReactNode
