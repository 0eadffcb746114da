/**
 * A report in a canonical order. tsc prints an inferred union of string literals (and zod's enum
 * objects built from one) in the order it first met the literals, which differs between a clean and
 * an incremental build; the same API must give the same report either way.
 */
export function canonicalReport(text: string): string {
  const unions = text.replace(/"[^"\n]*"(?: \| "[^"\n]*")+/g, (union) => union.split(' | ').sort().join(' | '))
  const lines = unions.split('\n')
  const enumMember = /^\s+([\w$]+): "\1";$/
  for (let start = 0; start < lines.length; start++) {
    if (!enumMember.test(lines[start])) continue
    let end = start
    while (end + 1 < lines.length && enumMember.test(lines[end + 1])) end++
    lines.splice(start, end - start + 1, ...lines.slice(start, end + 1).sort())
    start = end
  }
  return lines.join('\n')
}
