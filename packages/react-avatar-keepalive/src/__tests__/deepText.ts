/** Every own property (enumerable or not: message, stack, cause) of every object, as text. */
export function deepText(value: unknown, seen: Set<unknown> = new Set()): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return String(value)
  }
  if (seen.has(value)) return ''
  seen.add(value)
  return Reflect.ownKeys(value)
    .map((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key)
      const inner = descriptor && 'value' in descriptor ? descriptor.value : undefined
      return `${String(key)}=${deepText(inner, seen)}`
    })
    .join(';')
}
