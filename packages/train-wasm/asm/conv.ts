import { addInPlace } from './util'
import { columnSums, copyFloats, fillRows, matmul, matmulTN, transpose } from './matrix'

// 2-D convolution (tfjs's conv2d, dilation 1) as matrix products over im2col: col[batch*oh*ow x kh*kw*cin]
// holds each output position's receptive field, so y = col . w with w [kh, kw, cin, cout] = [kh*kw*cin x cout].
// A 1x1 stride-1 unpadded conv is y = x . w directly (no col).

/** dst[0..n) = 0 for a short run. */
// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, n: i32): void {
  const zero = f32x4.splat(0)
  let j = 0
  for (; j + 4 <= n; j += 4) v128.store(dst + ((<usize>j) << 2), zero)
  for (; j < n; j++) store<f32>(dst + ((<usize>j) << 2), 0)
}

/**
 * Walks every output position's receptive field: gather (im2col) copies x into col, zero where the
 * field hangs over the padding; otherwise (col2im) adds col back into x, which the caller zeroed.
 * Loops run by kernel row, then output column, so the common case (a field inside the image) is one copy.
 */
function patches(gather: bool, col: usize, x: usize, batch: i32, h: i32, width: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32): void {
  const span = kw * cin
  const spanBytes = (<usize>span) << 2
  const fieldBytes = <usize>kh * spanBytes
  const rowBytes = (<usize>(width * cin)) << 2
  const stepBytes = (<usize>(sw * cin)) << 2
  const imageBytes = <usize>h * rowBytes
  // Output columns whose field lies inside the image's width: [inLo, inHi).
  const inLo = min(ow, (padLeft + sw - 1) / sw)
  const room = width - kw + padLeft
  const inHi = room < 0 ? inLo : max(inLo, min(ow, room / sw + 1))
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * imageBytes
    for (let oy = 0; oy < oh; oy++) {
      const fields = col + <usize>((b * oh + oy) * ow) * fieldBytes
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - padTop + ky
        let field = fields + <usize>ky * spanBytes
        if (iy < 0 || iy >= h) {
          if (gather) for (let ox = 0; ox < ow; ox++, field += fieldBytes) zeroFloats(field, span)
          continue
        }
        const pixels = image + <usize>iy * rowBytes - ((<usize>(padLeft * cin)) << 2)
        for (let ox = 0; ox < ow; ox++, field += fieldBytes) {
          const from = pixels + <usize>ox * stepBytes
          if (ox >= inLo && ox < inHi) {
            if (gather) copyFloats(field, from, span)
            else addInPlace(from, field, span)
            continue
          }
          const ix0 = ox * sw - padLeft
          const first = min(span, max(0, -ix0) * cin)
          const end = max(first, min(kw, width - ix0) * cin)
          const skip = (<usize>first) << 2
          if (gather) {
            zeroFloats(field, first)
            copyFloats(field + skip, from + skip, end - first)
            zeroFloats(field + ((<usize>end) << 2), span - end)
          } else addInPlace(from + skip, field + skip, end - first)
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function isPointwise(kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32): bool {
  return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0
}

/**
 * y[batch, oh, ow, cout] = conv2d(x[batch, h, width, cin], w[kh, kw, cin, cout]) (+ bias[cout] if bias != 0).
 * col (batch*oh*ow*kh*kw*cin floats) receives the im2col matrix, which conv2dBackward reads back.
 */
export function conv2dForward(y: usize, x: usize, w: usize, bias: usize, col: usize, batch: i32, h: i32, width: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32, cout: i32): void {
  const positions = batch * oh * ow
  let a = x
  if (!isPointwise(kh, kw, sh, sw, padTop, padLeft)) {
    patches(true, col, x, batch, h, width, cin, kh, kw, sh, sw, padTop, padLeft, oh, ow)
    a = col
  }
  if (bias != 0) fillRows(y, bias, positions, cout)
  matmul(y, a, w, positions, kh * kw * cin, cout, bias != 0)
}

/**
 * Gradients of conv2dForward from dy[batch, oh, ow, cout], all overwritten: dw, db (if db != 0), dx (if
 * dx != 0). col is what the forward left there; dcol is scratch of the same size. dw serves as the
 * scratch for w^T before it receives its own value.
 */
export function conv2dBackward(dx: usize, dw: usize, db: usize, dy: usize, x: usize, w: usize, col: usize, dcol: usize, batch: i32, h: i32, width: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32, cout: i32): void {
  const positions = batch * oh * ow
  const depth = kh * kw * cin
  const pointwise = isPointwise(kh, kw, sh, sw, padTop, padLeft)
  if (dx != 0) {
    transpose(dw, w, depth, cout)
    if (pointwise) matmul(dx, dy, dw, positions, cout, depth, false)
    else {
      matmul(dcol, dy, dw, positions, cout, depth, false)
      memory.fill(dx, 0, (<usize>(batch * h * width * cin)) << 2)
      patches(false, dcol, dx, batch, h, width, cin, kh, kw, sh, sw, padTop, padLeft, oh, ow)
    }
  }
  matmulTN(dw, pointwise ? x : col, dy, depth, positions, cout, false)
  if (db != 0) columnSums(db, dy, positions, cout)
}
