/** A set of channels that must be removed together: one index in a group is one unit (neuron or filter). */
export type GroupId = number

/**
 * A run of channels that belong to one group. With `expand` > 1 each unit owns `expand` adjacent
 * channels (a depthwise convolution with depth multiplier m turns channel c into c*m .. c*m+m-1).
 */
export interface Segment {
  group: GroupId
  expand: number
}

/**
 * `positions` repeats of the segments, one after the other: more than one repeat after a channels-last
 * Flatten (index = position * width + channel).
 */
export interface Block {
  positions: number
  segments: Segment[]
}

/** What the last axis of a tensor holds: blocks one after the other (several after a Concatenate). */
export type Layout = Block[]

/** Units of each group, by id. */
export type GroupSizes = (group: GroupId) => number

/** Kept unit indices (ascending) of a group that loses units; undefined when it keeps them all. */
export type KeptUnits = (group: GroupId) => Int32Array | undefined

export const singleGroup = (group: GroupId): Layout => [{ positions: 1, segments: [{ group, expand: 1 }] }]

/** Channels in one repeat of a block. */
export function blockWidth(block: Block, sizeOf: GroupSizes): number {
  return block.segments.reduce((n, s) => n + sizeOf(s.group) * s.expand, 0)
}

/** The length of the axis the layout describes. */
export function layoutLength(layout: Layout, sizeOf: GroupSizes): number {
  return layout.reduce((n, block) => n + block.positions * blockWidth(block, sizeOf), 0)
}

/** Adjacent single-position blocks are one block: a Concatenate of unflattened tensors simply joins their segments. */
export function normalizeLayout(layout: Layout): Layout {
  const blocks: Block[] = []
  for (const block of layout) {
    const last = blocks.at(-1)
    if (last && last.positions === 1 && block.positions === 1) blocks[blocks.length - 1] = { positions: 1, segments: [...last.segments, ...block.segments] }
    else blocks.push(block)
  }
  return blocks
}

/**
 * Indices along the axis that survive when groups lose units, ascending, so the rebuilt tensor keeps
 * the original order; undefined when nothing on this axis is removed.
 */
export function keptIndices(layout: Layout, sizeOf: GroupSizes, kept: KeptUnits): Int32Array | undefined {
  if (!layout.some((block) => block.segments.some((s) => kept(s.group)))) return undefined
  const indices: number[] = []
  let base = 0
  for (const block of layout) {
    const width = blockWidth(block, sizeOf)
    const perPosition: number[] = []
    let offset = 0
    for (const { group, expand } of block.segments) {
      const units = kept(group) ?? Int32Array.from({ length: sizeOf(group) }, (_, i) => i)
      for (const unit of units) for (let j = 0; j < expand; j++) perPosition.push(offset + unit * expand + j)
      offset += sizeOf(group) * expand
    }
    for (let p = 0; p < block.positions; p++) for (const i of perPosition) indices.push(base + p * width + i)
    base += block.positions * width
  }
  return Int32Array.from(indices)
}

/** Two layouts line up channel for channel when their blocks and segment sizes agree. */
export function sameShape(a: Layout, b: Layout, sizeOf: GroupSizes): boolean {
  return (
    a.length === b.length &&
    a.every(
      (block, i) =>
        block.positions === b[i].positions &&
        block.segments.length === b[i].segments.length &&
        block.segments.every((s, j) => s.expand === b[i].segments[j].expand && sizeOf(s.group) === sizeOf(b[i].segments[j].group)),
    )
  )
}

/** The groups a layout carries, each once. */
export function groupsIn(layout: Layout): GroupId[] {
  return [...new Set(layout.flatMap((block) => block.segments.map((s) => s.group)))]
}

export function describeLayout(layout: Layout, nameOf: (group: GroupId) => string): string {
  return layout
    .map((block) => {
      const parts = block.segments.map((s) => (s.expand === 1 ? nameOf(s.group) : `${nameOf(s.group)} x${s.expand}`))
      return `${block.positions > 1 ? `${block.positions} x ` : ''}[${parts.join(', ')}]`
    })
    .join(' + ')
}
