#!/usr/bin/env node
// Prints how long the engine's model checker took in a vitest JSON report: its project runs as a
// group of its own, after every other file, one worker per file (packages/*/vitest.model.config.ts),
// so its time is from its first file's start to its last file's end.
//
//   node scripts/model-checker-time.mjs <vitest JSON report>
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'

const [file] = process.argv.slice(2)
const report = JSON.parse(readFileSync(file, 'utf8'))
// The checker's files as its project lists them (MODEL_FILES), not every engine.model* file: the
// test of its canonical form runs with the package's other tests.
const config = new URL('../packages/react-avatar-keepalive/vitest.model.config.ts', import.meta.url)
const modelFiles = [
  ...readFileSync(config, 'utf8').matchAll(/'(src\/__tests__\/[\w.]+\.ts)'/g),
].map(([, path]) => path)
const files = (report.testResults ?? []).filter((result) =>
  modelFiles.some((path) => result.name.endsWith(`/${path}`)),
)
if (files.length === 0) {
  console.log(`model checker: not in ${file}`)
} else {
  const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
  const start = Math.min(...files.map((result) => result.startTime))
  const end = Math.max(...files.map((result) => result.endTime))
  const each = files.map(
    (result) => `${basename(result.name)} ${seconds(result.endTime - result.startTime)}`,
  )
  console.log(
    `model checker: ${seconds(end - start)} for ${files.length} files side by side (${each.join(', ')})`,
  )
}
