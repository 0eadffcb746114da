import { execFile } from 'node:child_process'
import { binary, type CliResult } from './run-cli.js'

/** Runs the built `prunekit` binary inside a real pseudo-terminal (util-linux `script`), with extra environment. */
export function cliInTerminal(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const command = [process.execPath, binary, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
  return new Promise((resolve) => {
    execFile('script', ['-qec', command, '/dev/null'], { cwd, env: { ...process.env, TERM: 'xterm-256color', ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

/**
 * What a terminal shows after `text`: each line replayed with carriage returns, cursor-to-column,
 * erase-line and save/restore-cursor applied. Enough for a progress bar that redraws one line.
 */
export function screen(text: string): string[] {
  return text.replace(/\r\n/g, '\n').split('\n').map((line) => {
    let row: string[] = []
    let col = 0
    let saved = 0
    for (const token of line.match(/\x1b\[[?\d;]*[A-Za-z]|\x1b[78]|\r|[^\x1b\r]/gu) ?? []) {
      if (token === '\r' || token === '\x1b[1G' || token === '\x1b[G') col = 0
      else if (token === '\x1b7') saved = col
      else if (token === '\x1b8') col = saved
      else if (token === '\x1b[2K') row = []
      else if (token === '\x1b[0K' || token === '\x1b[K') row = row.slice(0, col)
      else if (!token.startsWith('\x1b')) row[col++] = token
    }
    return row.join('').trimEnd()
  })
}
