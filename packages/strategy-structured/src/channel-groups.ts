import type { GroupId, Layout } from './layout.js'

/** A BatchNormalization that scales a group's channels: gamma[offset + unit * expand + j]. */
export interface Normalizer {
  layer: string
  offset: number
  expand: number
}

/** Channels coupled so that they can only be removed together (DepGraph's dependency group). */
export interface ChannelGroup {
  id: GroupId
  /** Units: a producer's units or filters (equal for every producer of a coupled group). */
  size: number
  /** Layers whose units these are: their kernel's last axis and their bias. */
  producers: string[]
  /** BatchNormalization layers that scale exactly these channels (bn-scale ranks by their gamma). */
  normalizers: Normalizer[]
  /** Why the group is never pruned (a model input or output); such groups are skipped. */
  pinned?: string
  /** Layers that stand in the way of an exact removal, each with the reason; pruning the group is refused. */
  blockers: string[]
}

/** A group while the analysis still merges it. */
type GroupState = Omit<ChannelGroup, 'id'>

/** Union-find over channel groups: an Add (or any element-wise merge) joins the groups it adds. */
export class Groups {
  private readonly parent: number[] = []
  private readonly state: GroupState[] = []

  /** Producers in the order they were met (topological), for stable names. */
  private readonly order = new Map<string, number>()

  create(size: number, init: Partial<GroupState> = {}): GroupId {
    const id = this.parent.length
    for (const producer of init.producers ?? []) this.order.set(producer, this.order.size)
    this.parent.push(id)
    this.state.push({ size, producers: [], normalizers: [], blockers: [], ...init })
    return id
  }

  find(id: GroupId): GroupId {
    while (this.parent[id] !== id) id = this.parent[id] = this.parent[this.parent[id]]
    return id
  }

  get(id: GroupId): GroupState {
    return this.state[this.find(id)]
  }

  readonly sizeOf = (id: GroupId): number => this.get(id).size

  union(a: GroupId, b: GroupId): void {
    // The older group stays the root, so ids and producer order follow the model.
    const [ra, rb] = [this.find(a), this.find(b)].sort((x, y) => x - y)
    if (ra === rb) return
    const [into, from] = [this.state[ra], this.state[rb]]
    into.producers.push(...from.producers)
    into.normalizers.push(...from.normalizers)
    into.blockers.push(...from.blockers)
    into.pinned ??= from.pinned
    this.parent[rb] = ra
  }

  /** Every group that exists, merged, with ids resolved. */
  roots(): ChannelGroup[] {
    return this.parent.flatMap((p, id) => {
      if (p !== id) return []
      const s = this.state[id]
      const producers = [...s.producers].sort((x, y) => this.order.get(x)! - this.order.get(y)!)
      return [{ id, size: s.size, producers, normalizers: s.normalizers, pinned: s.pinned, blockers: [...new Set(s.blockers)] }]
    })
  }

  resolve(layout: Layout): Layout {
    return layout.map((block) => ({ positions: block.positions, segments: block.segments.map((s) => ({ group: this.find(s.group), expand: s.expand })) }))
  }
}
