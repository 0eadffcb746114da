import { readFileSync } from 'node:fs'

let version: string | undefined

/** This package's version: trials carry it, and a worker of another version refuses them. */
export function prunekitVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
  return version
}
