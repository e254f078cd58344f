// @vitest-environment node
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { AVATAR_SESSION_STATUSES } from '../core/index'

interface Block {
  /** Selector list or at-rule prelude. */
  prelude: string
  /** Declarations, for a style rule. */
  declarations: Map<string, string>
  /** Nested blocks, for @media and @keyframes. */
  children: Block[]
}

/** Just enough CSS parsing for one hand-written stylesheet: blocks, nesting, declarations. */
function parse(css: string): Block[] {
  const blocks: Block[] = []
  let i = 0
  while (i < css.length) {
    const open = css.indexOf('{', i)
    if (open === -1) break
    let depth = 1
    let close = open + 1
    for (; depth > 0; close++) {
      if (close >= css.length) throw new Error('unbalanced braces')
      if (css[close] === '{') depth++
      if (css[close] === '}') depth--
    }
    const body = css.slice(open + 1, close - 1)
    const nested = body.includes('{')
    blocks.push({
      prelude: css.slice(i, open).trim().replace(/\s+/g, ' '),
      declarations: nested ? new Map() : declarationsOf(body),
      children: nested ? parse(body) : [],
    })
    i = close
  }
  return blocks
}

function declarationsOf(body: string): Map<string, string> {
  const declarations = new Map<string, string>()
  for (const part of body.split(';')) {
    const colon = part.indexOf(':')
    if (colon === -1) continue
    declarations.set(
      part.slice(0, colon).trim(),
      part
        .slice(colon + 1)
        .trim()
        .replace(/\s+/g, ' '),
    )
  }
  return declarations
}

const source = readFileSync(new URL('../styles.css', import.meta.url), 'utf8')
const blocks = parse(source.replace(/\/\*[\s\S]*?\*\//g, ''))
const styleRules = blocks.flatMap((b) =>
  b.prelude.startsWith('@keyframes') ? [] : b.prelude.startsWith('@') ? b.children : [b],
)
const selectorsOf = (rule: Block) => rule.prelude.split(',').map((s) => s.trim())
const BADGE = '[data-avatar-keepalive-badge]'

type Rgb = [number, number, number]

function hex(colour: string): Rgb {
  const digits = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour)?.[1]
  if (!digits) throw new Error(`not an opaque hex colour: ${colour}`)
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits
  return [0, 2, 4].map((at) => parseInt(full.slice(at, at + 2), 16)) as Rgb
}

/** WCAG 2 relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const linear = (c: number) => {
    const v = c / 255
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/** WCAG 2 contrast ratio, 1 to 21. */
function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/** `fg` drawn with `opacity` over `bg`. */
const blend = (fg: Rgb, bg: Rgb, opacity: number): Rgb =>
  fg.map((c, i) => c * opacity + bg[i]! * (1 - opacity)) as Rgb

interface Themed {
  variable: string
  light: string
  dark: string
}

/** `var(--rak-badge-x, light-dark(#light, #dark))` → its parts. */
function themed(value: string | undefined): Themed {
  const match = /^var\((--rak-badge-[a-z-]+), light-dark\((#[0-9a-f]+), (#[0-9a-f]+)\)\)$/i.exec(
    value ?? '',
  )
  if (!match) throw new Error(`expected var(--rak-badge-…, light-dark(…, …)), got ${value}`)
  return { variable: match[1]!, light: match[2]!, dark: match[3]! }
}

/** The rule that sets the colours of one status. */
function colourRule(status: string): Block {
  const selector = `${BADGE}[data-state='${status}']`
  const rules = styleRules.filter(
    (r) => selectorsOf(r).includes(selector) && r.declarations.has('--_rak-fg'),
  )
  expect(rules, selector).toHaveLength(1)
  return rules[0]!
}

const lastPingOpacity = Number(
  styleRules
    .find((r) => r.prelude === `${BADGE} [data-part='last-ping']`)
    ?.declarations.get('opacity') ?? 1,
)

describe('contrast (WCAG AA, 4.5:1 for text)', () => {
  const rows = AVATAR_SESSION_STATUSES.flatMap((status) => {
    const rule = colourRule(status)
    const fg = themed(rule.declarations.get('--_rak-fg'))
    const bg = themed(rule.declarations.get('--_rak-bg'))
    return (['light', 'dark'] as const).map((scheme) => ({
      status,
      scheme,
      fg: hex(fg[scheme]),
      bg: hex(bg[scheme]),
    }))
  })

  test.each(rows)('$status, $scheme: label text on background ≥ 4.5', ({ fg, bg }) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5)
  })

  test.each(rows)('$status, $scheme: faded last-ping text ≥ 4.5', ({ fg, bg }) => {
    expect(lastPingOpacity).toBeGreaterThan(0)
    expect(lastPingOpacity).toBeLessThanOrEqual(1)
    expect(contrast(blend(fg, bg, lastPingOpacity), bg)).toBeGreaterThanOrEqual(4.5)
  })

  // WCAG 1.4.11: 3:1 for a graphic that tells the state (the dot is decorative, the label says
  // it too, but a dot that fades into its badge tells nothing).
  test.each(rows)('$status, $scheme: the dot on the background ≥ 3', ({ status, scheme }) => {
    const rule = colourRule(status)
    const dot = hex(themed(rule.declarations.get('--_rak-dot'))[scheme])
    const bg = hex(themed(rule.declarations.get('--_rak-bg'))[scheme])
    expect(contrast(dot, bg)).toBeGreaterThanOrEqual(3)
  })

  test('the contrast formula matches known values', () => {
    expect(contrast(hex('#000'), hex('#fff'))).toBeCloseTo(21, 5)
    expect(contrast(hex('#777777'), hex('#ffffff'))).toBeCloseTo(4.48, 2)
    expect(contrast(hex('#767676'), hex('#ffffff'))).toBeCloseTo(4.54, 2)
  })

  test('light-dark() only works with a color-scheme: the badge sets one, overridable', () => {
    const base = styleRules.find((r) => r.prelude === BADGE)
    expect(base?.declarations.get('color-scheme')).toBe('var(--rak-badge-color-scheme, light dark)')
    expect(base?.declarations.get('background')).toBe('var(--_rak-bg)')
    expect(base?.declarations.get('color')).toBe('var(--_rak-fg)')
  })
})

describe('selectors', () => {
  test('every status has a [data-state] rule setting bg, fg and dot through public variables', () => {
    for (const status of AVATAR_SESSION_STATUSES) {
      const rule = colourRule(status)
      const tone = themed(rule.declarations.get('--_rak-bg')).variable.replace(/-bg$/, '')
      expect(themed(rule.declarations.get('--_rak-fg')).variable).toBe(`${tone}-fg`)
      expect(themed(rule.declarations.get('--_rak-dot')).variable).toBe(`${tone}-dot`)
    }
  })

  test('every [data-state] in the stylesheet is a real status', () => {
    const states = [...source.matchAll(/\[data-state='([^']*)'\]/g)].map((m) => m[1])
    expect(states.length).toBeGreaterThanOrEqual(AVATAR_SESSION_STATUSES.length)
    for (const state of states) expect(AVATAR_SESSION_STATUSES).toContain(state)
  })

  test('styles only through data attributes: no class, id or element selectors', () => {
    const selectors = styleRules.flatMap(selectorsOf)
    expect(selectors.length).toBeGreaterThan(10)
    for (const selector of selectors) {
      for (const compound of selector.split(/\s*[\s>+~]\s*/)) {
        expect(compound, selector).toMatch(/^(\[data-[a-z-]+(='[a-z-]+')?\])+$/)
      }
      expect(selector.startsWith(BADGE), selector).toBe(true)
    }
  })
})

describe('motion', () => {
  const animated = styleRules.filter((r) => {
    const animation = r.declarations.get('animation')
    return animation !== undefined && !animation.startsWith('none')
  })

  test('the dot pulses while connecting or degraded, and only then', () => {
    expect(animated.flatMap(selectorsOf).sort()).toEqual([
      `${BADGE}[data-state='connecting'] [data-part='dot']`,
      `${BADGE}[data-state='degraded'] [data-part='dot']`,
    ])
  })

  // An endless pulse for as long as an outage lasts: motion beyond 5 s beside other content needs
  // a way to stop it (WCAG 2.2.2). Its trough at opacity 0.3 also fell to 1.47:1 (degraded, light).
  test('the pulse stops within 5 s, and changes the dot in size only', () => {
    for (const rule of animated) {
      const [name, duration, , count] = rule.declarations.get('animation')!.split(' ')
      expect(Number(count) * parseFloat(duration!)).toBeLessThanOrEqual(5)
      const frames = blocks.find((b) => b.prelude === `@keyframes ${name}`)!
      for (const frame of frames.children) {
        expect([...frame.declarations.keys()]).toEqual(['transform'])
      }
    }
  })

  // One shared animation did not start again as connecting turned degraded: a first keep-alive
  // that timed out (5 s, past the 4.2 s of pulses) showed degraded with a still dot.
  test('each status pulses with an animation of its own, so each pulses as it comes', () => {
    const names = animated.map((rule) => rule.declarations.get('animation')!.split(' ')[0])
    expect(new Set(names).size).toBe(animated.length)
  })

  test('prefers-reduced-motion stops every animation', () => {
    const reduced = blocks.filter((b) =>
      /^@media \(prefers-reduced-motion: ?reduce\)$/.test(b.prelude),
    )
    expect(reduced).toHaveLength(1)
    const rules = reduced[0]!.children
    const stopped = rules.filter((r) => r.declarations.get('animation') === 'none !important')
    expect(stopped.flatMap(selectorsOf)).toEqual([`${BADGE} [data-part='dot']`])
    // That selector matches every animated element.
    for (const selector of animated.flatMap(selectorsOf)) {
      expect(selector.endsWith(" [data-part='dot']")).toBe(true)
    }
  })
})

describe('layout and forced colours', () => {
  const rule = (prelude: string) => styleRules.find((r) => r.prelude === prelude)

  test('the badge wraps rather than overflows (a long label, a narrow column, 200% text)', () => {
    const base = rule(BADGE)!
    expect(base.declarations.get('white-space')).toBeUndefined()
    expect(base.declarations.get('max-width')).toBe('100%')
    // In an app's flex row or grid its least width would be its longest word (break-word).
    expect(base.declarations.get('min-width')).toBe('0')
    expect(base.declarations.get('box-sizing')).toBe('border-box')
    expect(base.declarations.get('flex-wrap')).toBe('wrap')
    // The label shares the dot's line and wraps inside it, long words too.
    const label = rule(`${BADGE} [data-part='label']`)!
    // From its longest word: from a basis of 0 it got what the last ping left, a letter a line.
    expect(label.declarations.get('flex')).toBe('1 1 min-content')
    expect(label.declarations.get('min-width')).toBe('0')
    // Not `anywhere`, which makes every letter a place to break, so its min-content one letter.
    expect(label.declarations.get('overflow-wrap')).toBe('break-word')
  })

  test('without light-dark() the dot is drawn in the text colour, offline hollow', () => {
    const older = blocks.filter(
      (b) => b.prelude === '@supports not (color: light-dark(#000, #fff))',
    )
    expect(older).toHaveLength(1)
    const inside = (prelude: string) => older[0]!.children.find((r) => r.prelude === prelude)
    const dot = inside(`${BADGE} [data-part='dot']`)
    expect(dot?.declarations.get('background-color')).toBe('currentColor')
    // A tone the app sets in plain colours still paints the dot, over the text's colour.
    expect(dot?.declarations.get('background-image')).toBe(
      'linear-gradient(var(--_rak-dot), var(--_rak-dot))',
    )
    const offline = inside(`${BADGE}[data-state='offline'] [data-part='dot']`)
    expect(offline?.declarations.get('background')).toBe('transparent')
    expect(offline?.declarations.get('box-shadow')).toBe('inset 0 0 0 1.5px currentColor')
  })

  test('forced colours (Windows High Contrast) draw the dot in the text colour, offline hollow', () => {
    const forced = blocks.filter((b) => /^@media \(forced-colors: ?active\)$/.test(b.prelude))
    expect(forced).toHaveLength(1)
    const inside = (prelude: string) => forced[0]!.children.find((r) => r.prelude === prelude)
    expect(inside(`${BADGE} [data-part='dot']`)?.declarations.get('background')).toBe('CanvasText')
    const offline = inside(`${BADGE}[data-state='offline'] [data-part='dot']`)
    expect(offline?.declarations.get('background')).toBe('transparent')
    expect(offline?.declarations.get('border')).toBe('1.5px solid CanvasText')
    // A box-shadow is dropped in forced colours: the ring must not rely on it alone there.
    expect(offline?.declarations.get('box-sizing')).toBe('border-box')
  })
})
