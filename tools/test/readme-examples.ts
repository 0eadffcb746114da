import { readFileSync } from 'node:fs'

/** A README code block marked `<!-- example: name -->`, exactly as printed. */
export interface ReadmeExample {
  name: string
  /** The block's language: ts, js, sh ... */
  lang: string
  code: string
  /** The README's text between the previous example (or the previous heading) and this one: where its install line is. */
  before: string
}

const marker = /<!-- example: ([\w-]+) -->\s*```(\w+)\n([\s\S]*?)```/g

/** Every marked example of a README, in order. */
export function readmeExamples(readmePath: string): ReadmeExample[] {
  const readme = readFileSync(readmePath, 'utf8')
  const examples: ReadmeExample[] = []
  let last = 0
  for (const match of readme.matchAll(marker)) {
    const heading = readme.lastIndexOf('\n#', match.index)
    examples.push({ name: match[1], lang: match[2], code: match[3], before: readme.slice(Math.max(last, heading), match.index) })
    last = match.index + match[0].length
  }
  return examples
}

/** One marked example; throws when the README lost it. */
export function readmeExample(readmePath: string, name: string): ReadmeExample {
  const example = readmeExamples(readmePath).find((e) => e.name === name)
  if (!example) throw new Error(`${readmePath} lost its "${name}" example`)
  return example
}

/** The packages a JS/TS example imports (bare specifiers, without subpaths; node: built-ins left out). */
export function importedPackages(code: string): string[] {
  const names = [...code.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]).filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
  return [...new Set(names.map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/')))]
}

/** The packages of the last `npm i ...` line in a stretch of README text. */
export function installedPackages(text: string): string[] {
  const lines = [...text.matchAll(/npm i(?:nstall)? ((?:[@\w./-]+ ?)+)/g)]
  return lines.length ? lines.at(-1)![1].trim().split(/\s+/).filter((p) => !p.startsWith('-')).map((p) => p.replace(/(.)@[^/]*$/, '$1')) : []
}
