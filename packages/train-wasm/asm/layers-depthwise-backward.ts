// Gradients of the depthwise convolution in layers-depthwise.ts (same layouts). Loops run one channel
// vector at a time over an image, as the forward does.

/**
 * Gradients of depthwiseForward: dw (overwritten) and, when dx != 0, dx (overwritten). Each output
 * pixel's dy is scattered into the input pixels its window read (dx) and summed against them (dw).
 * For 3x3 filters, inside pixels run two register passes: dx with the weights held, dw with the sums held.
 */
export function depthwiseBackward(
  dx: usize, dw: usize, dy: usize, x: usize, w: usize, batch: i32, h: i32, width: i32, c: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32,
): void {
  const pixel = (<usize>c) << 2
  const xRow = pixel * <usize>width
  const wRow = pixel * <usize>kw
  const vectorBytes = (<usize>(c & ~3)) << 2
  const three = kh == 3 && kw == 3
  if (dx != 0) memory.fill(dx, 0, <usize>batch * <usize>h * xRow)
  memory.fill(dw, 0, <usize>kh * wRow)
  // dx and x share a layout, so one offset from x addresses both.
  const dxShift = dx - x
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * xRow
    const grads = dy + <usize>b * <usize>(oh * ow) * pixel
    for (let o: usize = 0; o < pixel; o += o < vectorBytes ? 16 : 4) {
      const vector = o < vectorBytes
      const wv = w + o
      const fast = three && vector
      // Pass 1: dx += dy * w (and, off the fast path, dw as well).
      let w0 = f32x4.splat(0), w1 = w0, w2 = w0, w3 = w0, w4 = w0, w5 = w0, w6 = w0, w7 = w0, w8 = w0
      if (fast) {
        w0 = v128.load(wv); w1 = v128.load(wv + pixel); w2 = v128.load(wv + 2 * pixel)
        w3 = v128.load(wv + wRow); w4 = v128.load(wv + wRow + pixel); w5 = v128.load(wv + wRow + 2 * pixel)
        w6 = v128.load(wv + 2 * wRow); w7 = v128.load(wv + 2 * wRow + pixel); w8 = v128.load(wv + 2 * wRow + 2 * pixel)
      }
      let dyp = grads + o
      for (let oy = 0; oy < oh; oy++) {
        const top = oy * sh - padTop
        const ky0 = max(0, -top)
        const ky1 = min(kh, h - top)
        const rowInside = ky0 == 0 && ky1 == kh
        for (let ox = 0; ox < ow; ox++, dyp += pixel) {
          const left = ox * sw - padLeft
          const kx0 = max(0, -left)
          const kx1 = min(kw, width - left)
          const xp = image + o + <usize>(top + ky0) * xRow + <usize>(left + kx0) * pixel
          const tp = o + <usize>ky0 * wRow + <usize>kx0 * pixel
          if (!vector) {
            scatterScalar(dw, dx != 0 ? dxShift : 0, w, load<f32>(dyp), xp, tp, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel)
          } else if (fast && rowInside && kx0 == 0 && kx1 == 3) {
            if (dx == 0) continue
            const g = v128.load(dyp)
            const d0 = xp + dxShift
            const d1 = d0 + xRow
            const d2 = d1 + xRow
            v128.store(d0, f32x4.add(v128.load(d0), f32x4.mul(g, w0)))
            v128.store(d0 + pixel, f32x4.add(v128.load(d0 + pixel), f32x4.mul(g, w1)))
            v128.store(d0 + 2 * pixel, f32x4.add(v128.load(d0 + 2 * pixel), f32x4.mul(g, w2)))
            v128.store(d1, f32x4.add(v128.load(d1), f32x4.mul(g, w3)))
            v128.store(d1 + pixel, f32x4.add(v128.load(d1 + pixel), f32x4.mul(g, w4)))
            v128.store(d1 + 2 * pixel, f32x4.add(v128.load(d1 + 2 * pixel), f32x4.mul(g, w5)))
            v128.store(d2, f32x4.add(v128.load(d2), f32x4.mul(g, w6)))
            v128.store(d2 + pixel, f32x4.add(v128.load(d2 + pixel), f32x4.mul(g, w7)))
            v128.store(d2 + 2 * pixel, f32x4.add(v128.load(d2 + 2 * pixel), f32x4.mul(g, w8)))
          } else {
            scatter(dw, dx != 0 ? dxShift : 0, w, v128.load(dyp), xp, tp, ky1 - ky0, kx1 - kx0, xRow, wRow, pixel)
          }
        }
      }
      if (!fast) continue
      // Pass 2 (fast path): dw += dy * x over the inside pixels, summed in registers.
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0
      dyp = grads + o
      for (let oy = 0; oy < oh; oy++) {
        const top = oy * sh - padTop
        const rowInside = top >= 0 && top + 3 <= h
        for (let ox = 0; ox < ow; ox++, dyp += pixel) {
          const left = ox * sw - padLeft
          if (!rowInside || left < 0 || left + 3 > width) continue
          const g = v128.load(dyp)
          const r0 = image + o + <usize>top * xRow + <usize>left * pixel
          const r1 = r0 + xRow
          const r2 = r1 + xRow
          a0 = f32x4.add(a0, f32x4.mul(g, v128.load(r0)))
          a1 = f32x4.add(a1, f32x4.mul(g, v128.load(r0 + pixel)))
          a2 = f32x4.add(a2, f32x4.mul(g, v128.load(r0 + 2 * pixel)))
          a3 = f32x4.add(a3, f32x4.mul(g, v128.load(r1)))
          a4 = f32x4.add(a4, f32x4.mul(g, v128.load(r1 + pixel)))
          a5 = f32x4.add(a5, f32x4.mul(g, v128.load(r1 + 2 * pixel)))
          a6 = f32x4.add(a6, f32x4.mul(g, v128.load(r2)))
          a7 = f32x4.add(a7, f32x4.mul(g, v128.load(r2 + pixel)))
          a8 = f32x4.add(a8, f32x4.mul(g, v128.load(r2 + 2 * pixel)))
        }
      }
      const dv = dw + o
      v128.store(dv, f32x4.add(v128.load(dv), a0))
      v128.store(dv + pixel, f32x4.add(v128.load(dv + pixel), a1))
      v128.store(dv + 2 * pixel, f32x4.add(v128.load(dv + 2 * pixel), a2))
      v128.store(dv + wRow, f32x4.add(v128.load(dv + wRow), a3))
      v128.store(dv + wRow + pixel, f32x4.add(v128.load(dv + wRow + pixel), a4))
      v128.store(dv + wRow + 2 * pixel, f32x4.add(v128.load(dv + wRow + 2 * pixel), a5))
      v128.store(dv + 2 * wRow, f32x4.add(v128.load(dv + 2 * wRow), a6))
      v128.store(dv + 2 * wRow + pixel, f32x4.add(v128.load(dv + 2 * wRow + pixel), a7))
      v128.store(dv + 2 * wRow + 2 * pixel, f32x4.add(v128.load(dv + 2 * wRow + 2 * pixel), a8))
    }
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
