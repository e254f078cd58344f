// @vitest-environment node
// React Native runs the package in Hermes, and its Babel preset lowers classes and async functions
// for it but leaves regular expressions as they are. Hermes parses every regex literal when it
// compiles the bundle, so one it cannot read fails the whole app, not just the call. Hermes 0.12
// (hermes-engine-cli, as of React Native 0.69) refused exactly these, each tried in it: Unicode
// property escapes (`\p{…}`, added in 2024: RN 0.74 still failed on them), named groups, and the
// `d` and `v` flags; lookbehind and the `s`, `u` and `y` flags it reads.
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { expect, test } from 'vitest'
import { sourceFiles } from './sourceFiles'

const SRC = join(import.meta.dirname, '..')

const NOT_IN_OLD_HERMES: [string, RegExp][] = [
  ['a Unicode property escape', /\\[pP]\{/],
  ['a named group', /\(\?<[^=!]|\\k</],
]
const FLAGS_NOT_IN_OLD_HERMES = /[dv]/

/** Every regex in a file: literals, and `RegExp(…)` calls with a literal pattern. */
function regexesIn(file: string): { where: string; pattern: string; flags: string }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found: { where: string; pattern: string; flags: string }[] = []
  const where = (node: ts.Node) =>
    `${relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      const text = node.text
      const end = text.lastIndexOf('/')
      found.push({ where: where(node), pattern: text.slice(1, end), flags: text.slice(end + 1) })
    } else if (
      (ts.isCallExpression(node) || ts.isNewExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp' &&
      node.arguments?.[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      const flags = node.arguments[1]
      found.push({
        where: where(node),
        pattern: node.arguments[0].text,
        flags: flags && ts.isStringLiteralLike(flags) ? flags.text : '',
      })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

test('the package has regular expressions to check (the scan finds them)', () => {
  const all = sourceFiles(SRC).flatMap(regexesIn)
  expect(all.length).toBeGreaterThan(10)
  expect(all).toContainEqual(expect.objectContaining({ pattern: '^[\\x21-\\x7e]+$', flags: '' }))
})

test("every regular expression parses in React Native's Hermes of before 2024", () => {
  const refused = sourceFiles(SRC)
    .flatMap(regexesIn)
    .flatMap(({ where, pattern, flags }) => [
      ...NOT_IN_OLD_HERMES.filter(([, syntax]) => syntax.test(pattern)).map(
        ([what]) => `${where}: /${pattern}/${flags} has ${what}`,
      ),
      ...(FLAGS_NOT_IN_OLD_HERMES.test(flags) ? [`${where}: /${pattern}/${flags}: flag`] : []),
    ])
  expect(refused).toEqual([])
})
