import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js'

const fontOptions: ResvgRenderOptions['font'] = { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' }

/** Rasterises an SVG document with resvg, on a white background, `scale` pixels per SVG unit. */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const image = await renderAsync(svg, { font: fontOptions, fitTo: { mode: 'zoom', value: scale }, background: '#ffffff', logLevel: 'off' })
  return image.asPng()
}

/** The RGBA pixels of a rendered SVG (for tests and the font probe). */
export async function svgToPixels(svg: string, scale = 1): Promise<{ width: number; height: number; pixels: Buffer }> {
  const image = await renderAsync(svg, { font: fontOptions, fitTo: { mode: 'zoom', value: scale }, background: '#ffffff', logLevel: 'off' })
  return { width: image.width, height: image.height, pixels: image.pixels }
}

/** How many pixels in a rectangle are not white: ink from text or marks. */
export function inkIn(image: { width: number; pixels: Buffer }, x: number, y: number, width: number, height: number): number {
  let ink = 0
  for (let row = y; row < y + height; row++) {
    for (let col = x; col < x + width; col++) {
      const i = (row * image.width + col) * 4
      if (image.pixels[i] < 200 || image.pixels[i + 1] < 200 || image.pixels[i + 2] < 200) ink++
    }
  }
  return ink
}

let probe: Promise<boolean> | undefined

/** Whether resvg finds a font on this system: without one, charts render with no text at all. */
export function canDrawText(): Promise<boolean> {
  probe ??= svgToPixels('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="24"><text x="2" y="18" font-size="16" font-family="sans-serif">Wg</text></svg>').then(
    (image) => inkIn(image, 0, 0, image.width, image.height) > 10,
  )
  return probe
}
