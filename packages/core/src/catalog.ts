import { DuplicateNameError, UnknownNameError } from './errors.js'

/** Anything a catalog holds has a name and a one-line description. */
export interface Named {
  name: string
  description: string
}

export interface CatalogEntry<T> {
  item: T
  /** Who registered it: "builtin", a package name, or a plugin path. */
  source: string
}

export interface AddOptions {
  source?: string
  override?: boolean
}

/** A named collection of one kind of thing (strategies, models, ...). */
export class Catalog<T extends Named> {
  private readonly entries = new Map<string, CatalogEntry<T>>()
  private currentSource: string | undefined

  /** `kind` names one entry: strategy, model ... */
  constructor(readonly kind: string) {}

  add(item: T, options: AddOptions = {}): this {
    const existing = this.entries.get(item.name)
    if (existing && !options.override) throw new DuplicateNameError(this.kind, item.name, existing.source)
    this.entries.set(item.name, { item, source: options.source ?? this.currentSource ?? 'builtin' })
    return this
  }

  /** While a plugin registers, its entries are credited to it (see Registry.use). */
  withSource(source: string | undefined): void {
    this.currentSource = source
  }

  has(name: string): boolean {
    return this.entries.has(name)
  }

  /** Throws an error that lists what exists and suggests the nearest name. */
  get(name: string): T {
    const entry = this.entries.get(name)
    if (!entry) throw new UnknownNameError(this.kind, name, this.names())
    return entry.item
  }

  names(): string[] {
    return [...this.entries.keys()]
  }

  list(): Array<CatalogEntry<T>> {
    return [...this.entries.values()]
  }
}
