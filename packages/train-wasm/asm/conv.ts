import { addInPlace } from './util'
import { block5x8, columnSums, copyFloats, gemm, matmul, matmulTN, product, readable, transpose } from './matrix'

// 2-D convolution (tfjs's conv2d, dilation 1) as matrix products: y = col . w, where a row of col is one output
// position's receptive field (kh*kw*cin floats) and w [kh, kw, cin, cout] is [kh*kw*cin x cout].
// - A 1x1 stride-1 unpadded conv: col is x itself.
// - Otherwise col stays implicit: the matmul block reads each field straight from the image, one kernel row
//   (kw*cin contiguous floats) per segment, and dw = col^T . dy reads it the same way, one output row per
//   segment. A padded conv first copies x into a zero-bordered image in the col scratch (xpad, the forward
//   leaves it there for the backward). Writing out col would cost more than the product for few channels.
// - If xpad would not fit in col's size (large strides), col is written out (im2col) and used as a matrix.
// - One input channel with stride 1 across (a first layer on grey images): the forward is direct, 4 output
//   pixels (one f32x4 of contiguous source floats per tap) by 6 channels.
//   Its dw, with kernel rows of 5 taps and up to 8 channels, runs one 5x8 product per output row and kernel row.
// - Rows of 5k output pixels and 8k channels: the forward runs 5 positions of a row per block, one kernel row
//   at a time.
// Tried and dropped (slower on LeNet-5): a one-channel dw over per-channel planes of dy (the transpose cost
// what the full lanes saved), dw in 5-entry blocks with segments (V8 spilled their pointers or accumulators).
// dx = col2im(dy . w^T) in every case but the 1x1 one.

/** dst[0..n) = 0 for a short run. */
// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, n: i32): void {
  const zero = f32x4.splat(0)
  let j = 0
  for (; j + 4 <= n; j += 4) v128.store(dst + ((<usize>j) << 2), zero)
  for (; j < n; j++) store<f32>(dst + ((<usize>j) << 2), 0)
}

/**
 * Walks the receptive fields of output rows [r0, r1) (row r: image r / oh, output row r % oh): gather
 * (im2col) copies x into col (row r0's first field at col), zero where a field hangs over the padding;
 * otherwise (col2im) adds col back into x. Loops run by kernel row, then output column, so the common case
 * (a field inside the image) is one copy.
 */
function patches(gather: bool, col: usize, x: usize, r0: i32, r1: i32, h: i32, width: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32): void {
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
  for (let r = r0; r < r1; r++) {
    const image = x + <usize>(r / oh) * imageBytes
    const oy = r % oh
    const fields = col + <usize>((r - r0) * ow) * fieldBytes
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

// @ts-ignore: decorator
@inline function isPointwise(kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32): bool {
  return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0
}

// Where the implicit col reads the image (set by locate): its pixels (0: im2col instead), row pitch and
// image pitch in bytes, and whether the pixels are a zero-bordered copy of x in col.
let sourcePixels: usize = 0
let sourceRowBytes: usize = 0
let sourceImageBytes: usize = 0
let sourcePadded = false

/** Sets the source for this conv: x itself, xpad in col, or none (im2col). */
function locate(x: usize, col: usize, batch: i32, h: i32, width: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32): void {
  // Rows and columns the fields cover, counted from the first padding row and column.
  const hp = (oh - 1) * sh + kh
  const wp = (ow - 1) * sw + kw
  if (padTop == 0 && padLeft == 0 && hp <= h && wp <= width) {
    sourcePixels = x
    sourceRowBytes = (<usize>(width * cin)) << 2
    sourceImageBytes = <usize>h * sourceRowBytes
    sourcePadded = false
  } else if (<i64>hp * wp <= <i64>oh * ow * kh * kw) {
    sourcePixels = col
    sourceRowBytes = (<usize>(wp * cin)) << 2
    sourceImageBytes = <usize>hp * sourceRowBytes
    sourcePadded = true
  } else sourcePixels = 0
}

/** Copies x into the zero-bordered image at sourcePixels (rows and columns past the fields are left out). */
function pad(x: usize, batch: i32, h: i32, width: i32, cin: i32, padTop: i32, padLeft: i32): void {
  const rowBytes = sourceRowBytes
  const hp = <i32>(sourceImageBytes / rowBytes)
  const wp = <i32>(rowBytes >> 2) / cin
  memory.fill(sourcePixels, 0, <usize>batch * sourceImageBytes)
  const ixEnd = min(width, wp - padLeft)
  const iyEnd = min(h, hp - padTop)
  const xRowBytes = (<usize>(width * cin)) << 2
  for (let b = 0; b < batch; b++) {
    for (let iy = 0; iy < iyEnd; iy++) {
      const to = sourcePixels + <usize>b * sourceImageBytes + <usize>(iy + padTop) * rowBytes + ((<usize>(padLeft * cin)) << 2)
      copyFloats(to, x + (<usize>(b * h + iy)) * xRowBytes, ixEnd * cin)
    }
  }
}

/** Output rows of dy per chunk of dw = col^T . dy: ~16 KB of dy, reused from L1 by every 4-row block of dw. */
// @ts-ignore: decorator
@inline function chunkRows(ow: i32, cout: i32): i32 {
  return max(1, 4096 / (ow * cout))
}

// @ts-ignore: decorator
@inline function madd(acc: v128, x: v128, y: v128): v128 {
  return f32x4.add(acc, f32x4.mul(x, y))
}

/** Stores lanes 0..3 of v at p, p + step, p + 2 step, p + 3 step (4 pixels of one channel). */
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, step: usize): void {
  v128.store32_lane(p, v, 0)
  v128.store32_lane(p + step, v, 1)
  v128.store32_lane(p + 2 * step, v, 2)
  v128.store32_lane(p + 3 * step, v, 3)
}

/**
 * 4 output pixels of a row by channels c0..c0+n-1 (n <= 6) of a one-channel, stride-1-across conv: one f32x4
 * of 4 pixels per channel, each step one tap (ky, kx) whose 4 source floats are contiguous. The weights of
 * the 6 channels are read at wc + 4g, those past n read but not stored.
 */
function pixels4(out: usize, src: usize, wc: usize, bias: usize, n: i32, kh: i32, kw: i32, cout: i32): void {
  let a = f32x4.splat(0), b = a, c = a, d = a, e = a, f = a
  if (bias != 0) {
    a = v128.load32_splat(bias); b = v128.load32_splat(bias, 4); c = v128.load32_splat(bias, 8)
    d = v128.load32_splat(bias, 12); e = v128.load32_splat(bias, 16); f = v128.load32_splat(bias, 20)
  }
  const tapBytes = (<usize>cout) << 2
  let wp = wc
  let row = src
  for (let ky = 0; ky < kh; ky++, row += sourceRowBytes) {
    let xp = row
    for (let kx = 0; kx < kw; kx++, xp += 4, wp += tapBytes) {
      const x = v128.load(xp)
      a = madd(a, x, v128.load32_splat(wp))
      b = madd(b, x, v128.load32_splat(wp, 4))
      c = madd(c, x, v128.load32_splat(wp, 8))
      d = madd(d, x, v128.load32_splat(wp, 12))
      e = madd(e, x, v128.load32_splat(wp, 16))
      f = madd(f, x, v128.load32_splat(wp, 20))
    }
  }
  storeLanes(out, a, tapBytes)
  if (n > 1) storeLanes(out + 4, b, tapBytes)
  if (n > 2) storeLanes(out + 8, c, tapBytes)
  if (n > 3) storeLanes(out + 12, d, tapBytes)
  if (n > 4) storeLanes(out + 16, e, tapBytes)
  if (n > 5) storeLanes(out + 20, f, tapBytes)
}

/**
 * The forward of a one-channel conv with stride 1 across and at least 4 output columns (a first layer on
 * grey images), direct: 4 pixels of a row at a time (the last 4 of a row overlap the previous block rather
 * than run a tail) by 6 channels at a time. Measured 1.4-1.6x the matrix product on LeNet-5's conv_1, which
 * uses 6 of 8 lanes there and steps through fields of kw floats (8 pixels by 6 channels spilled: 12
 * accumulators and their temporaries pass V8's 15 vector registers). The source (x or xpad) is set by locate.
 */
function forwardSingleChannel(y: usize, w: usize, bias: usize, batch: i32, sh: i32, kh: i32, kw: i32, oh: i32, ow: i32, cout: i32): void {
  const pixelBytes = (<usize>cout) << 2
  const lineBytes = <usize>sh * sourceRowBytes
  for (let c0 = 0; c0 < cout; c0 += 6) {
    const n = min(6, cout - c0)
    const wc = w + ((<usize>c0) << 2)
    const bc = bias == 0 ? 0 : bias + ((<usize>c0) << 2)
    let out = y + ((<usize>c0) << 2)
    for (let b = 0; b < batch; b++) {
      let src = sourcePixels + <usize>b * sourceImageBytes
      for (let oy = 0; oy < oh; oy++, src += lineBytes, out += <usize>ow * pixelBytes) {
        for (let ox = 0; ox < ow; ox += 4) {
          const o = min(ox, ow - 4)
          pixels4(out + <usize>o * pixelBytes, src + ((<usize>o) << 2), wc, bc, n, kh, kw, cout)
        }
      }
    }
  }
}

/** Whether {@link forwardSingleChannel} runs this conv: its 6-channel reads of w and bias stay in memory. */
// @ts-ignore: decorator
@inline function singleChannel(w: usize, bias: usize, cin: i32, kh: i32, kw: i32, sw: i32, ow: i32, cout: i32): bool {
  return cin == 1 && sw == 1 && ow >= 4 && readable(w, kh * kw * cout, 4) && (bias == 0 || readable(bias, cout, 4))
}

/**
 * The forward where output rows split into groups of 5 positions and cout into 8s (LeNet-5's conv_2: rows
 * of 10): 5 positions of a row are evenly spaced in the source, so each kernel row of their fields is one
 * lean 5x8 product of contiguous floats, accumulated over the kernel rows (1.07x the 4-position blocks).
 */
function forwardByFive(y: usize, w: usize, bias: usize, batch: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, oh: i32, ow: i32, cout: i32): void {
  const ld = (<usize>cout) << 2
  const span = kw * cin
  const stepBytes = (<usize>(sw * cin)) << 2
  const kernelRowBytes = <usize>span * ld
  let out = y
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const line = sourcePixels + <usize>b * sourceImageBytes + <usize>(oy * sh) * sourceRowBytes
      for (let ox = 0; ox < ow; ox += 5, out += 5 * ld) {
        const field = line + <usize>ox * stepBytes
        for (let j = 0; j < cout; j += 8) {
          const cj = out + ((<usize>j) << 2)
          const wj = w + ((<usize>j) << 2)
          const bj = bias == 0 ? 0 : bias + ((<usize>j) << 2)
          for (let ky = 0; ky < kh; ky++) block5x8(cj, field + <usize>ky * sourceRowBytes, wj + <usize>ky * kernelRowBytes, span, stepBytes, ld, ld, ky > 0, bj)
        }
      }
    }
  }
}

/**
 * y[batch, oh, ow, cout] = conv2d(x[batch, h, width, cin], w[kh, kw, cin, cout]) (+ bias[cout] if bias != 0).
 * col: scratch of batch*oh*ow*kh*kw*cin floats; what the forward leaves there (the zero-bordered image, or
 * the im2col matrix) conv2dBackward reads back.
 */
export function conv2dForward(y: usize, x: usize, w: usize, bias: usize, col: usize, batch: i32, h: i32, width: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32, cout: i32): void {
  const positions = batch * oh * ow
  const depth = kh * kw * cin
  if (isPointwise(kh, kw, sh, sw, padTop, padLeft)) {
    gemm(y, x, w, positions, depth, cout, (<usize>depth) << 2, 4, false, bias)
    return
  }
  locate(x, col, batch, h, width, cin, kh, kw, sh, sw, padTop, padLeft, oh, ow)
  if (sourcePixels == 0) {
    patches(true, col, x, 0, batch * oh, h, width, cin, kh, kw, sh, sw, padTop, padLeft, oh, ow)
    gemm(y, col, w, positions, depth, cout, (<usize>depth) << 2, 4, false, bias)
    return
  }
  if (sourcePadded) pad(x, batch, h, width, cin, padTop, padLeft)
  if (singleChannel(w, bias, cin, kh, kw, sw, ow, cout)) {
    forwardSingleChannel(y, w, bias, batch, sh, kh, kw, oh, ow, cout)
    return
  }
  if (ow % 5 == 0 && cout % 8 == 0) {
    forwardByFive(y, w, bias, batch, cin, kh, kw, sh, sw, oh, ow, cout)
    return
  }
  // Rows of the block: 4 output positions; segments: the kernel rows of their fields.
  const ld = (<usize>cout) << 2
  const stepBytes = (<usize>(sw * cin)) << 2
  const lineBytes = <usize>sh * sourceRowBytes
  // The next output position (b, oy, ox) as the address of its receptive field, stepped without dividing.
  let at = sourcePixels
  let line = at
  let ox = 0
  let oy = 0
  for (let q = 0; q < positions; q += 4) {
    const rows = min(4, positions - q)
    let a0: usize = 0, a1: usize = 0, a2: usize = 0, a3: usize = 0
    for (let r = 0; r < rows; r++) {
      if (r == 0) a0 = at
      else if (r == 1) a1 = at
      else if (r == 2) a2 = at
      else a3 = at
      at += stepBytes
      if (++ox == ow) {
        ox = 0
        line += lineBytes
        if (++oy == oh) {
          oy = 0
          line += sourceImageBytes - <usize>oh * lineBytes
        }
        at = line
      }
    }
    if (rows < 2) a1 = a0
    if (rows < 3) a2 = a0
    if (rows < 4) a3 = a0
    const cq = y + <usize>q * ld
    for (let j = 0; j < cout; j += 8) {
      const n = min(8, cout - j)
      const bj = w + ((<usize>j) << 2)
      product(cq + ((<usize>j) << 2), a0, a1, a2, a3, bj, rows, n, 0, kh, kw * cin, kh, sourceRowBytes, 0, 4, ld, ld, false, bias == 0 ? 0 : bias + ((<usize>j) << 2))
    }
  }
}

/**
 * Gradients of conv2dForward from dy[batch, oh, ow, cout], all overwritten: dw, db (if db != 0), dx (if
 * dx != 0). col: as the forward of the same x left it. dcol: scratch of col's size (at most
 * max(4096, ow*kh*kw*cin) floats of it are used). dw serves as the scratch for w^T before it receives its
 * own value.
 */
export function conv2dBackward(dx: usize, dw: usize, db: usize, dy: usize, x: usize, w: usize, col: usize, dcol: usize, batch: i32, h: i32, width: i32, cin: i32, kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32, cout: i32): void {
  const positions = batch * oh * ow
  const depth = kh * kw * cin
  const pointwise = isPointwise(kh, kw, sh, sw, padTop, padLeft)
  if (dx != 0) {
    transpose(dw, w, depth, cout)
    if (pointwise) matmul(dx, dy, dw, positions, cout, depth, false)
    else {
      // dcol = dy . w^T a few output rows at a time (~16 KB, still in L1 when col2im adds it into dx)
      memory.fill(dx, 0, (<usize>(batch * h * width * cin)) << 2)
      const lines = batch * oh
      const chunk = max(1, 4096 / (ow * depth))
      const dyRowBytes = (<usize>(ow * cout)) << 2
      for (let r0 = 0; r0 < lines; r0 += chunk) {
        const r1 = min(lines, r0 + chunk)
        matmul(dcol, dy + <usize>r0 * dyRowBytes, dw, (r1 - r0) * ow, cout, depth, false)
        patches(false, dcol, dx, r0, r1, h, width, cin, kh, kw, sh, sw, padTop, padLeft, oh, ow)
      }
    }
  }
  if (db != 0) columnSums(db, dy, positions, cout)
  if (pointwise) {
    matmulTN(dw, x, dy, depth, positions, cout, false)
    return
  }
  locate(x, col, batch, h, width, cin, kh, kw, sh, sw, padTop, padLeft, oh, ow)
  if (sourcePixels == 0) {
    matmulTN(dw, col, dy, depth, positions, cout, false)
    return
  }
  const scratch = sourcePadded ? sourcePixels + <usize>batch * sourceImageBytes : col
  if (cin == 1 && sw == 1 && kw % 5 == 0 && cout <= 8 && readable(dy, positions, (<usize>cout) << 2) && <u64>scratch + (<u64>(kh * kw) << 5) <= <u64>col + (<u64>(positions * depth) << 2)) {
    backwardSingleChannel(dw, dy, scratch, batch, sh, kh, kw, oh, ow, cout)
    return
  }
  // dw = col^T . dy: rows of the block are 4 entries (ky, kx, ci) of the field; segments are output rows.
  const ld = (<usize>cout) << 2
  const stepBytes = (<usize>(sw * cin)) << 2
  const lineBytes = <usize>sh * sourceRowBytes
  const lines = batch * oh
  const chunk = chunkRows(ow, cout)
  for (let s0 = 0; s0 < lines; s0 += chunk) {
    const s1 = min(lines, s0 + chunk)
    const dyChunk = dy + <usize>(s0 * ow) * ld
    for (let i = 0; i < depth; i += 4) {
      const rows = min(4, depth - i)
      const a0 = sourcePixels + entry(i, kw, cin)
      const a1 = rows > 1 ? sourcePixels + entry(i + 1, kw, cin) : a0
      const a2 = rows > 2 ? sourcePixels + entry(i + 2, kw, cin) : a0
      const a3 = rows > 3 ? sourcePixels + entry(i + 3, kw, cin) : a0
      const ci = dw + <usize>i * ld
      for (let j = 0; j < cout; j += 8) {
        const n = min(8, cout - j)
        const bj = dyChunk + ((<usize>j) << 2)
        product(ci + ((<usize>j) << 2), a0, a1, a2, a3, bj, rows, n, s0, s1, ow, oh, lineBytes, sourceImageBytes, stepBytes, ld, ld, s0 > 0, 0)
      }
    }
  }
}

/**
 * dw of a one-channel, stride-1-across conv with kernel rows of 5 taps and at most 8 channels (LeNet-5's
 * conv_1): per output row and kernel row, one 5x8 product (5 taps of contiguous source floats, depth the
 * row's pixels) accumulated in a [taps x 8] scratch in col past the source, then copied to dw
 * (1.04-1.1x the 4-entry blocks, which leave 3 of 28 rows empty).
 */
function backwardSingleChannel(dw: usize, dy: usize, scratch: usize, batch: i32, sh: i32, kh: i32, kw: i32, oh: i32, ow: i32, cout: i32): void {
  const taps = kh * kw
  memory.fill(scratch, 0, (<usize>taps) << 5)
  const ld = (<usize>cout) << 2
  const rowBytes = <usize>ow * ld
  let dyRow = dy
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++, dyRow += rowBytes) {
      const line = sourcePixels + <usize>b * sourceImageBytes + <usize>(oy * sh) * sourceRowBytes
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx += 5) {
          block5x8(scratch + (<usize>(ky * kw + kx) << 5), line + <usize>ky * sourceRowBytes + ((<usize>kx) << 2), dyRow, ow, 4, ld, 32, true, 0)
        }
      }
    }
  }
  for (let t = 0; t < taps; t++) copyFloats(dw + <usize>t * ld, scratch + ((<usize>t) << 5), cout)
}

/** Byte offset of field entry i = (ky, kx, ci) from the field's top-left pixel in the source. */
// @ts-ignore: decorator
@inline function entry(i: i32, kw: i32, cin: i32): usize {
  const span = kw * cin
  return <usize>(i / span) * sourceRowBytes + ((<usize>(i % span)) << 2)
}
