// Gradients of the depthwise convolution in layers-depthwise.ts (same layouts): window bounds found
// once per output pixel, then every channel vector of it scattered (a 3x3 window inside the image unrolled).

/**
 * Gradients of depthwiseForward: dw (overwritten) and, when dx != 0, dx (overwritten). Each output
 * pixel's dy is scattered into the input pixels its window read (dx) and summed against them (dw).
 */
export function depthwiseBackward(
  dx: usize, dw: usize, dy: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  // Two copies of the loops: the pairing test is compiled out of the one for other shapes (no slowdown there).
  if (kh == 3 && kw == 3 && sw == 1) scatterAll(dx, dw, dy, x, w, batch, h, width, c, kh, kw, sh, sw, padTop, padLeft, oh, ow, true)
  else scatterAll(dx, dw, dy, x, w, batch, h, width, c, kh, kw, sh, sw, padTop, padLeft, oh, ow, false)
}

@inline
function scatterAll(
  dx: usize, dw: usize, dy: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
  pairs: bool,
): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const wRow = pixel * <usize>kw
  const vectorBytes = (<usize>(c & ~3)) << 2
  const three = kh == 3 && kw == 3
  if (dx != 0) memory.fill(dx, 0, <usize>batch * <usize>h * xRow)
  memory.fill(dw, 0, <usize>kh * wRow)
  // dx and x share a layout, so one offset from x addresses both (0: no dx).
  const dxShift = dx != 0 ? dx - x : 0
  let dyp = dy
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * xRow
    for (let oy = 0; oy < oh; oy++) {
      const top = oy * sh - padTop
      const ky0 = max(0, -top)
      const ky1 = min(kh, h - top)
      for (let ox = 0; ox < ow; ox++, dyp += pixel) {
        const left = ox * sw - padLeft
        const kx0 = max(0, -left)
        const kx1 = min(kw, width - left)
        const xFirst = image + <usize>(top + ky0) * xRow + <usize>(left + kx0) * pixel
        const tapFirst = <usize>ky0 * wRow + <usize>kx0 * pixel
        let o: usize = 0
        // Two neighbouring whole windows at stride 1 share two columns: summed together, they load and
        // store dw and the shared dx cells once.
        // (Any rows of the window: the top and bottom rows of a padded image too.)
        if (pairs && kx0 == 0 && left + 4 <= width && ox + 1 < ow) {
          const rows = ky1 - ky0
          if (dxShift != 0) for (; o < vectorBytes; o += 16) scatterPair3x3(dw + tapFirst + o, dxShift, w + tapFirst + o, v128.load(dyp + o), v128.load(dyp + pixel + o), xFirst + o, rows, xRow, wRow, pixel)
          else for (; o < vectorBytes; o += 16) accumulatePair3x3(dw + tapFirst + o, v128.load(dyp + o), v128.load(dyp + pixel + o), xFirst + o, rows, xRow, wRow, pixel)
          for (; o < pixel; o += 4) {
            scatterScalar(dw, dxShift, w, load<f32>(dyp + o), xFirst + o, tapFirst + o, rows, 3, xRow, wRow, pixel)
            scatterScalar(dw, dxShift, w, load<f32>(dyp + pixel + o), xFirst + pixel + o, tapFirst + o, rows, 3, xRow, wRow, pixel)
          }
          ox++
          dyp += pixel
          continue
        }
        if (three && ky0 == 0 && ky1 == 3 && kx0 == 0 && kx1 == 3) {
          if (dxShift != 0) for (; o < vectorBytes; o += 16) scatter3x3(dw + o, dxShift, w + o, v128.load(dyp + o), xFirst + o, xRow, wRow, pixel)
          else for (; o < vectorBytes; o += 16) accumulate3x3(dw + o, v128.load(dyp + o), xFirst + o, xRow, wRow, pixel)
        } else {
          for (; o < vectorBytes; o += 16) scatter(dw, dxShift, w, v128.load(dyp + o), xFirst + o, tapFirst + o, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel)
        }
        for (; o < pixel; o += 4) scatterScalar(dw, dxShift, w, load<f32>(dyp + o), xFirst + o, tapFirst + o, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel)
      }
    }
  }
}

// A whole 3x3 window for one channel vector: dw[tap] += g * x and dx += g * w[tap], unrolled.
@inline
function scatter3x3(dwp: usize, dxShift: usize, wp: usize, g: v128, xp: usize, xRow: usize, wRow: usize, pixel: usize): void {
  for (let r: usize = 0; r < 3; r++) {
    const xr = xp + r * xRow
    const tr = r * wRow
    const d = xr + dxShift
    v128.store(dwp + tr, f32x4.add(v128.load(dwp + tr), f32x4.mul(g, v128.load(xr))))
    v128.store(dwp + tr + pixel, f32x4.add(v128.load(dwp + tr + pixel), f32x4.mul(g, v128.load(xr + pixel))))
    v128.store(dwp + tr + 2 * pixel, f32x4.add(v128.load(dwp + tr + 2 * pixel), f32x4.mul(g, v128.load(xr + 2 * pixel))))
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(g, v128.load(wp + tr))))
    v128.store(d + pixel, f32x4.add(v128.load(d + pixel), f32x4.mul(g, v128.load(wp + tr + pixel))))
    v128.store(d + 2 * pixel, f32x4.add(v128.load(d + 2 * pixel), f32x4.mul(g, v128.load(wp + tr + 2 * pixel))))
  }
}

// Two 3-column windows side by side (stride 1; gradients g0, g1; xp: the first's top-left; rows of 3 or fewer):
// dw[tap] += g0 * x[tap] + g1 * x[tap + 1 column]; the four dx columns get g0 * w and g1 * w shifted.
@inline
function scatterPair3x3(dwp: usize, dxShift: usize, wp: usize, g0: v128, g1: v128, xp: usize, rows: i32, xRow: usize, wRow: usize, pixel: usize): void {
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = xp + r * xRow
    const tr = r * wRow
    const d = xr + dxShift
    const x0 = v128.load(xr)
    const x1 = v128.load(xr + pixel)
    const x2 = v128.load(xr + 2 * pixel)
    const x3 = v128.load(xr + 3 * pixel)
    v128.store(dwp + tr, f32x4.add(v128.load(dwp + tr), f32x4.add(f32x4.mul(g0, x0), f32x4.mul(g1, x1))))
    v128.store(dwp + tr + pixel, f32x4.add(v128.load(dwp + tr + pixel), f32x4.add(f32x4.mul(g0, x1), f32x4.mul(g1, x2))))
    v128.store(dwp + tr + 2 * pixel, f32x4.add(v128.load(dwp + tr + 2 * pixel), f32x4.add(f32x4.mul(g0, x2), f32x4.mul(g1, x3))))
    const w0 = v128.load(wp + tr)
    const w1 = v128.load(wp + tr + pixel)
    const w2 = v128.load(wp + tr + 2 * pixel)
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(g0, w0)))
    v128.store(d + pixel, f32x4.add(v128.load(d + pixel), f32x4.add(f32x4.mul(g0, w1), f32x4.mul(g1, w0))))
    v128.store(d + 2 * pixel, f32x4.add(v128.load(d + 2 * pixel), f32x4.add(f32x4.mul(g0, w2), f32x4.mul(g1, w1))))
    v128.store(d + 3 * pixel, f32x4.add(v128.load(d + 3 * pixel), f32x4.mul(g1, w2)))
  }
}

// The dw half of scatterPair3x3 (no dx wanted).
@inline
function accumulatePair3x3(dwp: usize, g0: v128, g1: v128, xp: usize, rows: i32, xRow: usize, wRow: usize, pixel: usize): void {
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = xp + r * xRow
    const tr = r * wRow
    const x0 = v128.load(xr)
    const x1 = v128.load(xr + pixel)
    const x2 = v128.load(xr + 2 * pixel)
    const x3 = v128.load(xr + 3 * pixel)
    v128.store(dwp + tr, f32x4.add(v128.load(dwp + tr), f32x4.add(f32x4.mul(g0, x0), f32x4.mul(g1, x1))))
    v128.store(dwp + tr + pixel, f32x4.add(v128.load(dwp + tr + pixel), f32x4.add(f32x4.mul(g0, x1), f32x4.mul(g1, x2))))
    v128.store(dwp + tr + 2 * pixel, f32x4.add(v128.load(dwp + tr + 2 * pixel), f32x4.add(f32x4.mul(g0, x2), f32x4.mul(g1, x3))))
  }
}

// The dw half of scatter3x3 (no dx wanted).
@inline
function accumulate3x3(dwp: usize, g: v128, xp: usize, xRow: usize, wRow: usize, pixel: usize): void {
  for (let r: usize = 0; r < 3; r++) {
    const xr = xp + r * xRow
    const tr = r * wRow
    v128.store(dwp + tr, f32x4.add(v128.load(dwp + tr), f32x4.mul(g, v128.load(xr))))
    v128.store(dwp + tr + pixel, f32x4.add(v128.load(dwp + tr + pixel), f32x4.mul(g, v128.load(xr + pixel))))
    v128.store(dwp + tr + 2 * pixel, f32x4.add(v128.load(dwp + tr + 2 * pixel), f32x4.mul(g, v128.load(xr + 2 * pixel))))
  }
}

// One output pixel's gradient g over its window (one channel vector): dw[tap] += g * x, and when
// dxShift != 0, dx[pixel] += g * w[tap] (dx sits dxShift bytes after x).
@inline
function scatter(dw: usize, dxShift: usize, w: usize, g: v128, xFirst: usize, tapFirst: usize, rows: i32, cols: i32, xRow: usize, wRow: usize, pixel: usize): void {
  let xr = xFirst
  let tr = tapFirst
  for (let r = 0; r < rows; r++, xr += xRow, tr += wRow) {
    let xp = xr
    let tp = tr
    for (let col = 0; col < cols; col++, xp += pixel, tp += pixel) {
      v128.store(dw + tp, f32x4.add(v128.load(dw + tp), f32x4.mul(g, v128.load(xp))))
      if (dxShift != 0) v128.store(xp + dxShift, f32x4.add(v128.load(xp + dxShift), f32x4.mul(g, v128.load(w + tp))))
    }
  }
}

@inline
function scatterScalar(dw: usize, dxShift: usize, w: usize, g: f32, xFirst: usize, tapFirst: usize, rows: i32, cols: i32, xRow: usize, wRow: usize, pixel: usize): void {
  let xr = xFirst
  let tr = tapFirst
  for (let r = 0; r < rows; r++, xr += xRow, tr += wRow) {
    let xp = xr
    let tp = tr
    for (let col = 0; col < cols; col++, xp += pixel, tp += pixel) {
      store<f32>(dw + tp, load<f32>(dw + tp) + g * load<f32>(xp))
      if (dxShift != 0) store<f32>(xp + dxShift, load<f32>(xp + dxShift) + g * load<f32>(w + tp))
    }
  }
}
