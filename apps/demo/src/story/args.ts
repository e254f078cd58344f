import type { Args, ArgType, Control, ControlType } from './csf'

/** The control an arg gets: its own, else one guessed from its options or default value. */
export function controlOf(argType: ArgType | undefined, value: unknown): Control {
  const control = argType?.control
  if (typeof control === 'string') return { type: control }
  if (control) return control
  if (argType?.options) return { type: 'select' }
  const guessed: ControlType =
    typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'text'
  return { type: guessed }
}

/**
 * A number as its control takes it: clamped to `min` and `max`, and rounded when `step` is a whole
 * number (`hookUsers=2.5` would count 2.5 consumers but render 2).
 */
export function fitNumber(number: number, control: Control): number {
  const { min = -Infinity, max = Infinity, step } = control
  const whole = step !== undefined && Number.isInteger(step) ? Math.round(number) : number
  return Math.min(Math.max(whole, min), max)
}

/**
 * Reads one arg from its query-string form; `undefined` when it does not fit the control. A number
 * is fitted to its control (`fitNumber`), as its input would: a URL is typed by anyone.
 */
export function parseArg(
  text: string,
  argType: ArgType | undefined,
  defaultValue: unknown,
): unknown {
  const control = controlOf(argType, defaultValue)
  const { type } = control
  switch (type) {
    case 'boolean':
      return text === 'true' || text === '1'
        ? true
        : text === 'false' || text === '0'
          ? false
          : undefined
    case 'number':
    case 'range': {
      const number = Number(text)
      return text.trim() !== '' && Number.isFinite(number) ? fitNumber(number, control) : undefined
    }
    case 'select':
    case 'radio':
      return argType?.options?.find((option) => String(option) === text)
    case 'text':
      return text
  }
}

/** The story's args with those in the query string applied over its defaults. */
export function argsFromQuery(
  query: URLSearchParams,
  defaults: Args,
  argTypes: Record<string, ArgType | undefined>,
): Args {
  const args = { ...defaults }
  for (const [name, text] of query) {
    if (!(name in defaults) && !(name in argTypes)) continue
    const value = parseArg(text, argTypes[name], defaults[name])
    if (value !== undefined) args[name] = value
  }
  return args
}

/** The query string for args: only those that differ from the defaults, so URLs stay short. */
export function queryFromArgs(args: Args, defaults: Args): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || Object.is(value, defaults[name])) continue
    query.set(name, String(value))
  }
  return query.toString()
}
