// Plumbing other prunekit packages share: no semver promise, it may change in any release.
export { bytes, int, percent, textTable } from './format.js'
export { histogramStages, sharedHistogramScale, zeroBin, type HistogramStage } from './chart-data.js'
export { htmlDocument, pageStyle } from './html-page.js'
export { escapeXml } from './svg/escape.js'
export { lineChart, type LineChartSpec, type LineSeries } from './svg/line.js'
export { paletteColor } from './svg/palette.js'
export { niceDomain } from './svg/scale.js'
