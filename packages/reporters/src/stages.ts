/** File names of the usual snapshot labels: weights-before.png, weights-pruned.png, weights-finetuned.png. */
const stageFileNames: Record<string, string> = { baseline: 'before', pruned: 'pruned', finetuned: 'finetuned' }

/** A file-name-safe name for a snapshot label: the usual labels by their stage, others as a slug. */
export function stageSlug(label: string): string {
  if (Object.hasOwn(stageFileNames, label)) return stageFileNames[label]
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return slug || 'stage'
}

/** Slugs for several labels, made unique with -2, -3 ... (a label may repeat in a run). */
export function uniqueStageSlugs(labels: readonly string[]): string[] {
  const seen = new Set<string>()
  return labels.map((label) => {
    const base = stageSlug(label)
    let slug = base
    for (let n = 2; seen.has(slug); n++) slug = `${base}-${n}`
    seen.add(slug)
    return slug
  })
}
