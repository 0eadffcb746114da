// What bundlers load for render-png.ts under the "browser" condition: resvg is a native Node.js addon.
export async function svgToPng(): Promise<never> {
  throw new Error('PNG plots are rendered with resvg, a Node.js addon: in a browser, use the SVG charts (reportPlots) as they are.')
}

export async function canDrawText(): Promise<boolean> {
  return false
}
