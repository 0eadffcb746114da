declare module 'virtual:prunekit-catalog' {
  const catalog: import('./protocol.js').Catalog
  export default catalog
}
