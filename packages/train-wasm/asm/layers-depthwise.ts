// Depthwise 2-D convolution (depth multiplier 1, no bias), NHWC: SIMD across the contiguous channels of
// a pixel. x [batch, h, width, c], w [kh, kw, c, 1], y and dy [batch, oh, ow, c]. Padding cells add nothing.

/** y = depthwiseConv2d(x, w) with the given strides and top/left padding (y overwritten). */
export function depthwiseForward(
  y: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const wRow = pixel * <usize>kw
  const vectorEnd = c & ~3
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
        let ch = 0
        for (; ch < vectorEnd; ch += 4) {
          const o = (<usize>ch) << 2
          let sum = f32x4.splat(0)
          let xr = xFirst + o
          let wr = wFirst + o
          for (let ky = ky0; ky < ky1; ky++, xr += xRow, wr += wRow) {
            let xp = xr
            let wp = wr
            for (let kx = kx0; kx < kx1; kx++, xp += pixel, wp += pixel) {
              sum = f32x4.add(sum, f32x4.mul(v128.load(xp), v128.load(wp)))
            }
          }
          v128.store(yp + o, sum)
        }
        for (; ch < c; ch++) {
          const o = (<usize>ch) << 2
          let sum: f32 = 0
          let xr = xFirst + o
          let wr = wFirst + o
          for (let ky = ky0; ky < ky1; ky++, xr += xRow, wr += wRow) {
            let xp = xr
            let wp = wr
            for (let kx = kx0; kx < kx1; kx++, xp += pixel, wp += pixel) sum += load<f32>(xp) * load<f32>(wp)
          }
          store<f32>(yp + o, sum)
        }
      }
    }
  }
}

/**
 * Gradients of depthwiseForward: dw (overwritten) and, when dx != 0, dx (overwritten). Scatters each
 * output pixel's dy into the input pixels and filter taps its window touched.
 */
export function depthwiseBackward(
  dx: usize, dw: usize, dy: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const wRow = pixel * <usize>kw
  const vectorEnd = c & ~3
  if (dx != 0) memory.fill(dx, 0, <usize>batch * <usize>h * xRow)
  memory.fill(dw, 0, <usize>kh * wRow)
  // dx and x share a layout, so one offset from x addresses both.
  const dxShift = dx - x
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
        let ch = 0
        for (; ch < vectorEnd; ch += 4) {
          const o = (<usize>ch) << 2
          const g = v128.load(dyp + o)
          let xr = xFirst + o
          let tr = tapFirst + o
          for (let ky = ky0; ky < ky1; ky++, xr += xRow, tr += wRow) {
            let xp = xr
            let tp = tr
            for (let kx = kx0; kx < kx1; kx++, xp += pixel, tp += pixel) {
              v128.store(dw + tp, f32x4.add(v128.load(dw + tp), f32x4.mul(g, v128.load(xp))))
              if (dx != 0) v128.store(xp + dxShift, f32x4.add(v128.load(xp + dxShift), f32x4.mul(g, v128.load(w + tp))))
            }
          }
        }
        for (; ch < c; ch++) {
          const o = (<usize>ch) << 2
          const g = load<f32>(dyp + o)
          let xr = xFirst + o
          let tr = tapFirst + o
          for (let ky = ky0; ky < ky1; ky++, xr += xRow, tr += wRow) {
            let xp = xr
            let tp = tr
            for (let kx = kx0; kx < kx1; kx++, xp += pixel, tp += pixel) {
              store<f32>(dw + tp, load<f32>(dw + tp) + g * load<f32>(xp))
              if (dx != 0) store<f32>(xp + dxShift, load<f32>(xp + dxShift) + g * load<f32>(w + tp))
            }
          }
        }
      }
    }
  }
}
