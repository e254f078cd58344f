// Browser and driver processes, each started in its own process group (so that ending it ends
// its helpers too), and every group still running ended when Node exits, even after a crash or a
// failed test.
import { spawn } from 'node:child_process'

const running = new Set()
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
})

/** `spawn` in a process group of its own, ended when Node exits. */
export function spawnGroup(file, args, options) {
  const child = spawn(file, args, { ...options, detached: true })
  running.add(child.pid)
  child.once('exit', () => running.delete(child.pid))
  return child
}
