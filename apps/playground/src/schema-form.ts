import type { JsonSchema } from '@prunekit/core/internal'

/** One option the page can edit: a number, a whole number, a yes/no, one of a list, or free text. */
interface Field {
  key: string
  kind: 'number' | 'integer' | 'boolean' | 'enum' | 'string'
  description: string
  initial: unknown
  choices?: string[]
  min?: number
  max?: number
  required: boolean
}

/** The options of a JSON Schema object that a form field can hold; lists and maps (selectors, overrides) stay in the YAML. */
function fields(schema: JsonSchema, skip: readonly string[]): Field[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((schema.required as string[] | undefined) ?? [])
  const out: Field[] = []
  for (const [key, p] of Object.entries(properties)) {
    if (skip.includes(key)) continue
    const type = p.type as string | undefined
    const kind = Array.isArray(p.enum) ? 'enum' : type === 'number' || type === 'integer' || type === 'boolean' || type === 'string' ? type : undefined
    if (!kind) continue
    const min = (p.minimum ?? p.exclusiveMinimum) as number | undefined
    const max = (p.maximum ?? p.exclusiveMaximum) as number | undefined
    out.push({ key, kind, description: String(p.description ?? ''), initial: p.default, choices: p.enum as string[] | undefined, min, max: max !== undefined && max < 1e15 ? max : undefined, required: required.has(key) })
  }
  return out
}

function input(field: Field, id: string, value: unknown): HTMLElement {
  if (field.kind === 'enum') {
    const select = document.createElement('select')
    for (const choice of field.choices ?? []) select.add(new Option(choice, choice, false, choice === value))
    return select
  }
  const el = document.createElement('input')
  if (field.kind === 'boolean') {
    el.type = 'checkbox'
    el.checked = value === true
    return el
  }
  el.type = field.kind === 'string' ? 'text' : 'number'
  if (field.kind !== 'string') {
    el.step = field.kind === 'integer' ? '1' : 'any'
    if (field.min !== undefined) el.min = String(field.min)
    if (field.max !== undefined) el.max = String(field.max)
  }
  el.value = value === undefined ? '' : String(value)
  el.placeholder = field.required ? 'required' : 'default'
  el.id = id
  return el
}

/** What a field holds: undefined when a box is empty (the option's default applies). */
function current(field: Field, el: HTMLElement): unknown {
  if (el instanceof HTMLSelectElement) return el.value
  const box = el as HTMLInputElement
  if (field.kind === 'boolean') return box.checked
  if (box.value.trim() === '') return undefined
  return field.kind === 'string' ? box.value : Number(box.value)
}

/** A form's current values: only those set (an empty box means the option's default). */
export type ReadOptions = () => Record<string, unknown>

/**
 * Fills `container` with one labelled field per editable option of `schema` (its description as the hint),
 * starting from `values` or the schema's defaults, and returns a reader of what the fields hold.
 */
export function renderOptions(container: HTMLElement, schema: JsonSchema, prefix: string, values: Record<string, unknown> = {}, skip: readonly string[] = []): ReadOptions {
  container.replaceChildren()
  const read: Array<() => [string, unknown] | undefined> = []
  for (const field of fields(schema, skip)) {
    const id = `${prefix}-${field.key}`
    const el = input(field, id, values[field.key] ?? field.initial)
    el.id = id
    el.dataset.option = field.key
    const label = document.createElement('label')
    label.htmlFor = id
    label.className = 'option'
    label.title = field.description
    const name = document.createElement('span')
    name.textContent = field.key
    label.append(name, el)
    container.append(label)
    read.push(() => {
      const value = current(field, el)
      // A default left as it is stays out of the config, which then reads like one written by hand.
      return value === undefined || (value === field.initial && !(field.key in values)) ? undefined : [field.key, value]
    })
  }
  return () => Object.fromEntries(read.map((r) => r()).filter((e) => e !== undefined))
}
