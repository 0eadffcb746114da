import { Document, isCollection, isMap, isScalar, isSeq, visit } from 'yaml'

/** A collection of scalars (and lists of scalars) reads best on one line: model: { zoo: mlp, units: [ 32 ] }. */
function isShallow(node: unknown): boolean {
  if (!isCollection(node)) return false
  const children = isMap(node) ? node.items.map((pair) => pair.value) : node.items
  return children.every((child) => isScalar(child) || (isSeq(child) && child.items.every(isScalar)))
}

/** A run's config as YAML in the style of prunekit.yaml: short maps and lists inline, the pipeline one step a line. */
export function configYaml(config: unknown): string {
  const doc = new Document(config)
  visit(doc, {
    Map(_, node) {
      if (node !== doc.contents && isShallow(node)) node.flow = true
    },
    Seq(_, node) {
      if (node !== doc.contents && isShallow(node)) node.flow = true
    },
  })
  return doc.toString({ lineWidth: 0 })
}
