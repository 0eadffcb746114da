// Max pooling, NHWC, SIMD across channels. x [batch, h, width, c], y and dy [batch, oh, ow, c]. Padding
// cells are skipped (never the max), as in tfjs's cpu backend.

/** y = maxPool(x) (y overwritten; -Infinity where a window holds no number). */
export function maxPoolForward(
  y: usize, x: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
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
