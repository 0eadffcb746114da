export { writeFileAtomic } from '@prunekit/core/node'
