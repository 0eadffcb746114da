/** Matplotlib's default cycle (tab10), the colours of the founding experiment's histograms. */
export const layerPalette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const

/** The colour of the i-th layer (or series); the cycle repeats after ten. */
export function paletteColor(index: number): string {
  return layerPalette[((index % layerPalette.length) + layerPalette.length) % layerPalette.length]
}
