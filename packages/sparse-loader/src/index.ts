export { expandSparse, SparseFormatError } from './expand.js'
export { sparseFormat, type SparseEncoding, type SparseModelJson, type SparseWeight } from './format.js'
export { sparseIO, type SparseFiles, type SparseIOOptions } from './sparse-io.js'
