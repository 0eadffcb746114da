// Depthwise 2-D convolution (depth multiplier 1, no bias), NHWC: SIMD across the contiguous channels of
// a pixel. x [batch, h, width, c], w [kh, kw, c, 1], y and dy [batch, oh, ow, c]. Padding cells add nothing.
// Each output pixel's window bounds are found once, then every channel vector of it is summed
// (a 3x3 window inside the image unrolled).

/** y = depthwiseConv2d(x, w) with the given strides and top/left padding (y overwritten). */
export function depthwiseForward(
  y: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  // Two copies of the loops: the pairing test is compiled out of the one for other shapes (no slowdown there).
  if (kh == 3 && kw == 3 && sw == 1) sumAll(y, x, w, batch, h, width, c, kh, kw, sh, sw, padTop, padLeft, oh, ow, true)
  else sumAll(y, x, w, batch, h, width, c, kh, kw, sh, sw, padTop, padLeft, oh, ow, false)
}

@inline
function sumAll(
  y: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
  pairs: bool,
): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const wRow = pixel * <usize>kw
  const vectorBytes = (<usize>(c & ~3)) << 2
  // Channels past the last whole vector: one vector overlapping the previous (same values written twice).
  const lastVector = c >= 4 && vectorBytes < pixel ? pixel - 16 : vectorBytes
  const three = kh == 3 && kw == 3
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
        const wFirst = w + <usize>ky0 * wRow + <usize>kx0 * pixel
        // Two neighbouring 3-column windows at stride 1 (any rows) share two columns of x and all of w.
        if (pairs && kx0 == 0 && left + 4 <= width && ox + 1 < ow) {
          const rows = ky1 - ky0
          for (let o: usize = 0; o < vectorBytes; o += 16) windowPair(yp + o, xFirst + o, wFirst + o, rows, xRow, wRow, pixel)
          if (lastVector != vectorBytes) windowPair(yp + lastVector, xFirst + lastVector, wFirst + lastVector, rows, xRow, wRow, pixel)
          if (c < 4) {
            for (let o: usize = 0; o < pixel; o += 4) {
              store<f32>(yp + o, tapSumScalar(xFirst + o, wFirst + o, rows, 3, xRow, wRow, pixel))
              store<f32>(yp + pixel + o, tapSumScalar(xFirst + pixel + o, wFirst + o, rows, 3, xRow, wRow, pixel))
            }
          }
          ox++
          yp += pixel
          continue
        }
        if (three && ky0 == 0 && ky1 == 3 && kx0 == 0 && kx1 == 3) {
          for (let o: usize = 0; o < vectorBytes; o += 16) v128.store(yp + o, window3x3(xFirst + o, wFirst + o, xRow, wRow, pixel))
          if (lastVector != vectorBytes) v128.store(yp + lastVector, window3x3(xFirst + lastVector, wFirst + lastVector, xRow, wRow, pixel))
        } else {
          for (let o: usize = 0; o < vectorBytes; o += 16) v128.store(yp + o, tapSum(xFirst + o, wFirst + o, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel))
          if (lastVector != vectorBytes) v128.store(yp + lastVector, tapSum(xFirst + lastVector, wFirst + lastVector, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel))
        }
        if (c < 4) for (let o: usize = 0; o < pixel; o += 4) store<f32>(yp + o, tapSumScalar(xFirst + o, wFirst + o, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel))
      }
    }
  }
}

// A whole 3x3 window for one channel vector, as three independent row sums.
@inline
function window3x3(xp: usize, wp: usize, xRow: usize, wRow: usize, pixel: usize): v128 {
  const x1 = xp + xRow
  const x2 = x1 + xRow
  const w1 = wp + wRow
  const w2 = w1 + wRow
  const s0 = f32x4.add(f32x4.add(f32x4.mul(v128.load(xp), v128.load(wp)), f32x4.mul(v128.load(xp + pixel), v128.load(wp + pixel))), f32x4.mul(v128.load(xp + 2 * pixel), v128.load(wp + 2 * pixel)))
  const s1 = f32x4.add(f32x4.add(f32x4.mul(v128.load(x1), v128.load(w1)), f32x4.mul(v128.load(x1 + pixel), v128.load(w1 + pixel))), f32x4.mul(v128.load(x1 + 2 * pixel), v128.load(w1 + 2 * pixel)))
  const s2 = f32x4.add(f32x4.add(f32x4.mul(v128.load(x2), v128.load(w2)), f32x4.mul(v128.load(x2 + pixel), v128.load(w2 + pixel))), f32x4.mul(v128.load(x2 + 2 * pixel), v128.load(w2 + 2 * pixel)))
  return f32x4.add(f32x4.add(s0, s1), s2)
}

// Two 3-column windows side by side (xp: the first's top-left; up to 3 rows): y and the next pixel's y.
@inline
function windowPair(yp: usize, xp: usize, wp: usize, rows: i32, xRow: usize, wRow: usize, pixel: usize): void {
  let s0 = f32x4.splat(0)
  let s1 = f32x4.splat(0)
  let xr = xp
  let wr = wp
  for (let r = 0; r < rows; r++, xr += xRow, wr += wRow) {
    const x1 = v128.load(xr + pixel)
    const x2 = v128.load(xr + 2 * pixel)
    const w0 = v128.load(wr)
    const w1 = v128.load(wr + pixel)
    const w2 = v128.load(wr + 2 * pixel)
    s0 = f32x4.add(s0, f32x4.add(f32x4.add(f32x4.mul(v128.load(xr), w0), f32x4.mul(x1, w1)), f32x4.mul(x2, w2)))
    s1 = f32x4.add(s1, f32x4.add(f32x4.add(f32x4.mul(x1, w0), f32x4.mul(x2, w1)), f32x4.mul(v128.load(xr + 3 * pixel), w2)))
  }
  v128.store(yp, s0)
  v128.store(yp + pixel, s1)
}

// Sum over a rows x cols window of x times w for one channel vector (rows of x xRow apart, of w wRow).
@inline
function tapSum(xFirst: usize, wFirst: usize, rows: i32, cols: i32, xRow: usize, wRow: usize, pixel: usize): v128 {
  let sum = f32x4.splat(0)
  let xr = xFirst
  let wr = wFirst
  for (let r = 0; r < rows; r++, xr += xRow, wr += wRow) {
    let xp = xr
    let wp = wr
    for (let col = 0; col < cols; col++, xp += pixel, wp += pixel) sum = f32x4.add(sum, f32x4.mul(v128.load(xp), v128.load(wp)))
  }
  return sum
}

@inline
function tapSumScalar(xFirst: usize, wFirst: usize, rows: i32, cols: i32, xRow: usize, wRow: usize, pixel: usize): f32 {
  let sum: f32 = 0
  let xr = xFirst
  let wr = wFirst
  for (let r = 0; r < rows; r++, xr += xRow, wr += wRow) {
    let xp = xr
    let wp = wr
    for (let col = 0; col < cols; col++, xp += pixel, wp += pixel) sum += load<f32>(xp) * load<f32>(wp)
  }
  return sum
}
