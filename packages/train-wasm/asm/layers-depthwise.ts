// Depthwise 2-D convolution (depth multiplier 1, no bias), NHWC: SIMD across the contiguous channels of
// a pixel. x [batch, h, width, c], w [kh, kw, c, 1], y and dy [batch, oh, ow, c]. Padding cells add nothing.
// Loops run one channel vector at a time over an image (which stays in cache), so that a 3x3 filter's
// nine weight vectors sit in registers for every pixel whose window lies inside the image.

/** y = depthwiseConv2d(x, w) with the given strides and top/left padding (y overwritten). */
export function depthwiseForward(
  y: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const wRow = pixel * <usize>kw
  const vectorBytes = (<usize>(c & ~3)) << 2
  const three = kh == 3 && kw == 3
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * xRow
    const out = y + <usize>b * <usize>(oh * ow) * pixel
    for (let o: usize = 0; o < pixel; o += o < vectorBytes ? 16 : 4) {
      const vector = o < vectorBytes
      const wv = w + o
      let w0 = f32x4.splat(0), w1 = w0, w2 = w0, w3 = w0, w4 = w0, w5 = w0, w6 = w0, w7 = w0, w8 = w0
      if (three && vector) {
        w0 = v128.load(wv); w1 = v128.load(wv + pixel); w2 = v128.load(wv + 2 * pixel)
        w3 = v128.load(wv + wRow); w4 = v128.load(wv + wRow + pixel); w5 = v128.load(wv + wRow + 2 * pixel)
        w6 = v128.load(wv + 2 * wRow); w7 = v128.load(wv + 2 * wRow + pixel); w8 = v128.load(wv + 2 * wRow + 2 * pixel)
      }
      let yp = out + o
      for (let oy = 0; oy < oh; oy++) {
        const top = oy * sh - padTop
        const ky0 = max(0, -top)
        const ky1 = min(kh, h - top)
        const rowInside = ky0 == 0 && ky1 == kh
        for (let ox = 0; ox < ow; ox++, yp += pixel) {
          const left = ox * sw - padLeft
          const kx0 = max(0, -left)
          const kx1 = min(kw, width - left)
          const xp = image + o + <usize>(top + ky0) * xRow + <usize>(left + kx0) * pixel
          const wp = wv + <usize>ky0 * wRow + <usize>kx0 * pixel
          if (!vector) {
            store<f32>(yp, tapSumScalar(xp, wp, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel))
          } else if (three && rowInside && kx0 == 0 && kx1 == 3) {
            const r1 = xp + xRow
            const r2 = r1 + xRow
            let s = f32x4.mul(v128.load(xp), w0)
            s = f32x4.add(s, f32x4.mul(v128.load(xp + pixel), w1))
            s = f32x4.add(s, f32x4.mul(v128.load(xp + 2 * pixel), w2))
            s = f32x4.add(s, f32x4.mul(v128.load(r1), w3))
            s = f32x4.add(s, f32x4.mul(v128.load(r1 + pixel), w4))
            s = f32x4.add(s, f32x4.mul(v128.load(r1 + 2 * pixel), w5))
            s = f32x4.add(s, f32x4.mul(v128.load(r2), w6))
            s = f32x4.add(s, f32x4.mul(v128.load(r2 + pixel), w7))
            v128.store(yp, f32x4.add(s, f32x4.mul(v128.load(r2 + 2 * pixel), w8)))
          } else {
            v128.store(yp, tapSum(xp, wp, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel))
          }
        }
      }
    }
  }
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
