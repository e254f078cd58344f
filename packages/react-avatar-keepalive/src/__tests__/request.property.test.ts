// What one request promises whatever it is given: it goes to the session's own path or nowhere,
// and no form of the token comes back in the error. CI runs a fixed seed and a bounded number of
// runs; FUZZ_SEED and FUZZ_RUNS soak it.
import fc from 'fast-check'
import { describe, expect, test, vi } from 'vitest'
import { AvatarKeepAliveError, sendKeepAlive } from '../core/index'
import { deepText } from './deepText'

const seed = Number(process.env.FUZZ_SEED ?? 20261130)
const numRuns = Number(process.env.FUZZ_RUNS ?? 300)
// A soak of thousands of runs takes longer than a test may by default, beside the other property
// files on two cores (1,000 runs: up to 10 s there, 1.2 s alone).
const timeout = Math.max(10_000, numRuns * 20)

const okFetch = () =>
  vi.fn<typeof fetch>(async () => Response.json({ success: true }, { status: 200 }))

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (reason: unknown) => reason,
  )
}

// Any UTF-16 text (lone surrogates included), and the characters URLs treat specially.
const sessionId = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12, size: 'max' }),
  fc.string({
    unit: fc.constantFrom(
      '.',
      '/',
      '\\',
      '?',
      '#',
      '%',
      ' ',
      '\n',
      'a',
      '\u{1F600}',
      '\uD800',
      ':',
    ),
    maxLength: 8,
  }),
)
const GOOD_BASES = [
  'https://a.test/v1',
  'https://a.test/v1/',
  'http://127.0.0.1:9/x',
  '/api/avatar',
]
// What a URL's authority is made of (user, password, host, port), after a scheme or none: fetch
// refuses a URL with credentials or one it cannot parse, with an error that names the URL.
const authority = fc
  .tuple(
    fc.constantFrom('https://', 'http://', '//', 'https:///', 'https://\\', ''),
    fc.string({
      unit: fc.constantFrom('a', '.', ':', '@', '[', ']', '\\', '/', '9', '%', ' '),
      maxLength: 10,
    }),
  )
  .map(([scheme, rest]) => scheme + rest)
const baseUrl = fc.oneof(
  fc.constantFrom(...GOOD_BASES),
  fc
    .tuple(fc.constantFrom(...GOOD_BASES), fc.string({ unit: 'binary', maxLength: 6 }))
    .map(([base, tail]) => base + tail),
  fc.string({ unit: 'binary', maxLength: 16, size: 'max' }),
  authority,
)

describe('the request goes to the session path or nowhere', () => {
  test(
    `for any session id and base URL (seed ${seed}, ${numRuns} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(sessionId, baseUrl, async (id, base) => {
          const fetch = okFetch()
          const reason = await outcome(
            sendKeepAlive({ sessionId: id, token: 't0ken', baseUrl: base, fetch }),
          )
          if (reason !== null) {
            // Refused: a TypeError naming the input, and nothing sent.
            expect(reason).toBeInstanceOf(TypeError)
            expect(String((reason as Error).message)).toMatch(/sessionId|baseUrl/)
            expect(fetch).not.toHaveBeenCalled()
            return
          }
          expect(fetch).toHaveBeenCalledTimes(1)
          const sent = new URL(String(fetch.mock.calls[0]![0]), location.href)
          // A real fetch would take it (a mock takes anything).
          expect(() => new Request(sent, { method: 'POST' })).not.toThrow()
          const root = new URL(base.replace(/\/+$/, '') || '/', location.href)
          expect(sent.search).toBe('')
          expect(sent.hash).toBe('')
          expect(sent.origin).toBe(root.origin)
          // The base's path (trailing slashes aside: `https://a//.` reads as `//`) and the session's.
          const tail = `/avatar-session/${encodeURIComponent(id)}/keep-alive`
          const trim = (path: string) => path.replace(/\/+$/, '')
          expect(sent.pathname.endsWith(tail)).toBe(true)
          expect(trim(sent.pathname.slice(0, -tail.length))).toBe(trim(root.pathname))
          expect(decodeURIComponent(sent.pathname.split('/').at(-2)!)).toBe(id)
        }),
        { seed, numRuns },
      )
    },
    timeout,
  )

  test.each(GOOD_BASES)('a good base %j is never refused for a plain id', async (base) => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: 'session-1', token: 't0ken', baseUrl: base, fetch })
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

// Tokens as APIs issue them: printable ASCII, base64 and JWT characters included.
const token = fc.stringMatching(/^[\x21-\x7e]{8,48}$/)
/** How a server or a library may echo a token: as is, cut short, encoded, in another case. */
const echo = fc.constantFrom(
  (t: string) => t,
  (t: string) => `${t.slice(0, 8)}...`,
  (t: string) => t.slice(-8),
  (t: string) => encodeURIComponent(t),
  (t: string) => t.toUpperCase(),
  (t: string) => t.toLowerCase(),
  (t: string) => btoa(t),
  (t: string) => btoa(`Bearer ${t}`),
  (t: string) => btoa(`u:${t}`),
  (t: string) => new URLSearchParams({ t }).toString().slice(2),
  (t: string) => JSON.stringify({ authorization: `Bearer ${t}` }),
  (t: string) => JSON.stringify(t).replace(/\//g, '\\/'),
)

/**
 * The text of every error `send` leads to with the echo replaced by a word: a token may be text
 * the error holds anyway (a stack names this file, `request.property.test.ts`), which is no leak.
 */
async function baseline(send: (echoed: string) => Promise<unknown>): Promise<string> {
  return deepText(await outcome(send('(nothing)')))
}

/** Checks that neither the token nor its echo is in the error, nor anything but what was there. */
async function expectScrubbed(
  t: string,
  echoed: string,
  send: (echoed: string) => Promise<unknown>,
): Promise<unknown> {
  const without = await baseline(send)
  fc.pre(!without.includes(t) && !without.includes(echoed))
  const reason = await outcome(send(echoed))
  const text = deepText(reason)
  expect(text).not.toContain(t)
  expect(text).not.toContain(echoed)
  return reason
}

describe('no form of the token comes back', () => {
  test(
    `in the error for a server that echoes it (seed ${seed}, ${numRuns} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          token,
          echo,
          fc.constantFrom(200, 400, 401, 500),
          async (t, form, status) => {
            const reason = await expectScrubbed(t, form(t), (echoed) => {
              const fetch = vi.fn<typeof globalThis.fetch>(async () =>
                Response.json(
                  { success: false, error: `refused: ${echoed} (try again)` },
                  { status },
                ),
              )
              return sendKeepAlive({ sessionId: 's', token: t, baseUrl: '/v1', fetch })
            })
            expect(reason).toBeInstanceOf(AvatarKeepAliveError)
            expect((reason as Error).message).toContain('(try again)')
          },
        ),
        { seed, numRuns },
      )
    },
    timeout,
  )

  test(
    `in the cause of a network failure that holds it (seed ${seed}, ${numRuns} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(token, echo, async (t, form) => {
          const reason = await expectScrubbed(t, form(t), (echoed) => {
            const fetch = vi.fn<typeof globalThis.fetch>(async (input, init) => {
              const inner = Object.assign(new Error(`bad bytes ${echoed}`), {
                code: echoed,
                data: echoed,
                request: new Request(new URL(String(input), location.href), init),
              })
              throw new TypeError(`fetch failed near ${echoed}`, { cause: inner })
            })
            return sendKeepAlive({ sessionId: 's', token: t, baseUrl: '/v1', fetch })
          })
          expect(reason).toMatchObject({ kind: 'network' })
        }),
        { seed, numRuns },
      )
    },
    timeout,
  )
})
