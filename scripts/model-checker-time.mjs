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
const files = (report.testResults ?? []).filter((result) =>
  /engine\.model[.\w]*\.test\.ts$/.test(result.name),
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
