// Max pooling, NHWC, SIMD across channels. x [batch, h, width, c], y and dy [batch, oh, ow, c]. Padding
// cells are skipped (never the max), as in tfjs's cpu backend.

/** y = maxPool(x) (y overwritten; -Infinity where a window holds no number). */
export function maxPoolForward(
  y: usize, x: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  if (isPairPool(h, width, c, kh, kw, sh, sw, padTop, padLeft, oh, ow)) {
    pairPoolForward(y, x, batch, h, width, c, oh, ow)
    return
  }
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const vectorEnd = (<usize>(c & ~3)) << 2
  let yp = y
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * xRow
    for (let oy = 0; oy < oh; oy++) {
      const top = oy * sh - padTop
      const ky0 = max(0, -top)
      const ky1 = min(kh, h - top)
      for (let ox = 0; ox < ow; ox++, yp += pixel) {
        const left = ox * sw - padLeft
        const kx0 = max(0, -left)
        const kx1 = min(kw, width - left)
        const xFirst = image + <usize>(top + ky0) * xRow + <usize>(left + kx0) * pixel
        let o: usize = 0
        for (; o < vectorEnd; o += 16) v128.store(yp + o, windowMax(xFirst + o, ky1 - ky0, kx1 - kx0, xRow, pixel))
        // The last channels as one vector overlapping the previous one (writing the same values again).
        if (o < pixel && c >= 4) v128.store(yp + pixel - 16, windowMax(xFirst + pixel - 16, ky1 - ky0, kx1 - kx0, xRow, pixel))
        else for (; o < pixel; o += 4) store<f32>(yp + o, windowMaxScalar(xFirst + o, ky1 - ky0, kx1 - kx0, xRow, pixel))
      }
    }
  }
}

/**
 * dx (overwritten) = each output's dy routed to its window's max. tfjs's cpu rule: the first max in
 * row-major window order takes it all on ties (strictly-greater scan); NaN never wins; an all -Infinity
 * or all-NaN window passes nothing. Overlapping windows add up.
 */
export function maxPoolBackward(
  dx: usize, dy: usize, x: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  if (isPairPool(h, width, c, kh, kw, sh, sw, padTop, padLeft, oh, ow)) {
    pairPoolBackward(dx, dy, x, batch, h, width, c, oh, ow)
    return
  }
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const vectorEnd = (<usize>(c & ~3)) << 2
  memory.fill(dx, 0, <usize>batch * <usize>h * xRow)
  const dxShift = dx - x
  const allLanes = i32x4.splat(-1)
  const tailLanes = i32x4.gt_s(i32x4(0, 1, 2, 3), i32x4.splat(3 - (c & 3)))
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
        let o: usize = 0
        for (; o < vectorEnd; o += 16) routeToMax(xFirst + o, dxShift, v128.load(dyp + o), allLanes, ky1 - ky0, kx1 - kx0, xRow, pixel)
        // The last channels as one vector overlapping the previous one, its already-done lanes masked off.
        if (o < pixel && c >= 4) {
          routeToMax(xFirst + pixel - 16, dxShift, v128.load(dyp + pixel - 16), tailLanes, ky1 - ky0, kx1 - kx0, xRow, pixel)
          continue
        }
        for (; o < pixel; o += 4) {
          let bestValue: f32 = -Infinity
          let bestAt: usize = 0
          let xr = xFirst + o
          for (let ky = ky0; ky < ky1; ky++, xr += xRow) {
            let xp = xr
            for (let kx = kx0; kx < kx1; kx++, xp += pixel) {
              const v = load<f32>(xp)
              if (v > bestValue) {
                bestValue = v
                bestAt = xp
              }
            }
          }
          if (bestAt != 0) store<f32>(bestAt + dxShift, load<f32>(bestAt + dxShift) + load<f32>(dyp + o))
        }
      }
    }
  }
}

// Adds g to dx at each lane's first max over the window (lanes in `lanes` only).
@inline
function routeToMax(xFirst: usize, dxShift: usize, g: v128, lanes: v128, rows: i32, cols: i32, xRow: usize, pixel: usize): void {
  const best = windowMax(xFirst, rows, cols, xRow, pixel)
  // Lanes still looking for their first max.
  let open = v128.and(f32x4.gt(best, f32x4.splat(-Infinity)), lanes)
  let xr = xFirst
  for (let r = 0; r < rows; r++, xr += xRow) {
    let xp = xr
    for (let col = 0; col < cols; col++, xp += pixel) {
      const hit = v128.and(f32x4.eq(v128.load(xp), best), open)
      v128.store(xp + dxShift, f32x4.add(v128.load(xp + dxShift), v128.and(g, hit)))
      open = v128.andnot(open, hit)
    }
  }
}

// Max of one channel vector over a rows x cols window starting at first (tfjs's `v > max` scan: pmax skips NaN).
@inline
function windowMax(first: usize, rows: i32, cols: i32, xRow: usize, pixel: usize): v128 {
  let best = f32x4.splat(-Infinity)
  let xr = first
  for (let r = 0; r < rows; r++, xr += xRow) {
    let xp = xr
    for (let col = 0; col < cols; col++, xp += pixel) best = f32x4.pmax(best, v128.load(xp))
  }
  return best
}

@inline
function windowMaxScalar(first: usize, rows: i32, cols: i32, xRow: usize, pixel: usize): f32 {
  let best: f32 = -Infinity
  let xr = first
  for (let r = 0; r < rows; r++, xr += xRow) {
    let xp = xr
    for (let col = 0; col < cols; col++, xp += pixel) {
      const v = load<f32>(xp)
      if (v > best) best = v
    }
  }
  return best
}

// The usual pool (LeNet's): 2x2 windows, stride 2, every window inside the image, at least 4 channels.
// Windows do not overlap, so the backward writes each dx once (no zero fill, no read-modify-write).
@inline
function isPairPool(h: i32, width: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32): bool {
  return kh == 2 && kw == 2 && sh == 2 && sw == 2 && padTop == 0 && padLeft == 0 && 2 * oh <= h && 2 * ow <= width && c >= 4
}

// Max of one channel vector over a 2x2 window (at p: its top-left), in windowMax's order.
@inline
function pairMax(p: usize, pixel: usize, xRow: usize): v128 {
  const first = f32x4.pmax(f32x4.pmax(f32x4.splat(-Infinity), v128.load(p)), v128.load(p + pixel))
  return f32x4.pmax(f32x4.pmax(first, v128.load(p + xRow)), v128.load(p + xRow + pixel))
}

function pairPoolForward(y: usize, x: usize, batch: i32, h: i32, width: i32, c: i32, oh: i32, ow: i32): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  // The last channels as one vector overlapping the previous one (the same values written twice).
  const last = pixel - 16
  let yp = y
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * xRow
    for (let oy = 0; oy < oh; oy++) {
      let xp = image + <usize>(2 * oy) * xRow
      for (let ox = 0; ox < ow; ox++, yp += pixel, xp += 2 * pixel) {
        for (let o: usize = 0; o < last; o += 16) v128.store(yp + o, pairMax(xp + o, pixel, xRow))
        v128.store(yp + last, pairMax(xp + last, pixel, xRow))
      }
    }
  }
}

function pairPoolBackward(dx: usize, dy: usize, x: usize, batch: i32, h: i32, width: i32, c: i32, oh: i32, ow: i32): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const last = pixel - 16
  const dxShift = dx - x
  let dyp = dy
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * xRow
    for (let oy = 0; oy < oh; oy++) {
      const rowStart = image + <usize>(2 * oy) * xRow
      let xp = rowStart
      for (let ox = 0; ox < ow; ox++, dyp += pixel, xp += 2 * pixel) {
        for (let o: usize = 0; o < last; o += 16) routePair(xp + o, dxShift, v128.load(dyp + o), pixel, xRow)
        routePair(xp + last, dxShift, v128.load(dyp + last), pixel, xRow)
      }
      // An odd width's last column is in no window.
      if (2 * ow < width) {
        memory.fill(xp + dxShift, 0, pixel)
        memory.fill(xp + xRow + dxShift, 0, pixel)
      }
    }
    // An odd height's last row is in no window.
    if (2 * oh < h) memory.fill(image + <usize>(2 * oh) * xRow + dxShift, 0, xRow)
  }
}

// dx over one 2x2 window (one channel vector): g at each lane's first max in row-major order, else 0.
@inline
function routePair(p: usize, dxShift: usize, g: v128, pixel: usize, xRow: usize): void {
  const best = pairMax(p, pixel, xRow)
  let open = f32x4.gt(best, f32x4.splat(-Infinity))
  let hit = v128.and(f32x4.eq(v128.load(p), best), open)
  v128.store(p + dxShift, v128.and(g, hit))
  open = v128.andnot(open, hit)
  hit = v128.and(f32x4.eq(v128.load(p + pixel), best), open)
  v128.store(p + pixel + dxShift, v128.and(g, hit))
  open = v128.andnot(open, hit)
  hit = v128.and(f32x4.eq(v128.load(p + xRow), best), open)
  v128.store(p + xRow + dxShift, v128.and(g, hit))
  open = v128.andnot(open, hit)
  v128.store(p + xRow + pixel + dxShift, v128.and(g, v128.and(f32x4.eq(v128.load(p + xRow + pixel), best), open)))
}
