import { addInPlace } from './util'

// Matrix products: C (+)= A . B with A read through strides (so A or A^T), B and C row-major.
// One register-blocked SIMD micro-kernel: 4 rows x 8 columns of C in eight f32x4 accumulators, A broadcast
// one float at a time, B loaded as f32x4. Blocks at the edges re-read a valid row of A and store only the
// rows and columns that exist, so any m, k and n work without padding. A block narrower than 8 columns
// still loads 8 floats of each B row (reading a little of the next row; those lanes are never stored);
// where that would pass the end of memory, a scalar block runs instead. The loop body is kept small so
// that V8 holds the accumulators in registers (a second loop over them made it spill them to the stack),
// and gemm's blocks take leaner copies of it (1.1-1.4x on the models' shapes): 5x8 where A's rows are
// contiguous (ten accumulators, the most V8 keeps in its 15 vector registers with the B, A and product
// temporaries), 4x8 with A^T's four floats at fixed offsets, and 4x8 (or fewer columns, at the end of a row).
// Tried and dropped (slower on the models' shapes): unrolling the depth loop (V8 then spills).

/** Floats 0..w-1 (w in 1..4) at p as an f32x4, the other lanes zero; never reads past them. */
// @ts-ignore: decorator
@inline function loadCols(p: usize, w: i32): v128 {
  if (w >= 4) return v128.load(p)
  if (w == 1) return v128.load32_zero(p)
  const low = v128.load64_zero(p)
  return w == 2 ? low : v128.load32_lane(p, low, 2, 8)
}

/** Stores lanes 0..w-1 (w in 1..4) of v at p. */
// @ts-ignore: decorator
@inline function storeCols(p: usize, v: v128, w: i32): void {
  if (w >= 4) v128.store(p, v)
  else if (w == 1) v128.store32_lane(p, v, 0)
  else {
    v128.store64_lane(p, v, 0)
    if (w == 3) v128.store32_lane(p, v, 2, 8)
  }
}

// @ts-ignore: decorator
@inline function madd(acc: v128, x: v128, y: v128): v128 {
  return f32x4.add(acc, f32x4.mul(x, y))
}

/**
 * C[rows x w] (+)= A[rows x depth] . B[depth x w] for rows 1..4 and w 1..8: the micro-kernel. Row r of A
 * starts at a<r> (the caller points missing rows at a0; they are not stored). The depth runs in segments
 * s0..s1-1 of `seg` steps: segment s starts (s / per) * outer + (s % per) * inner bytes after a<r>, and each
 * step moves aCol bytes (a plain matrix: one segment; a convolution: a kernel row, or an output row).
 * B and C have row strides ldb and ldc bytes. Each step loads 8 floats of B whatever w: lanes past w are
 * never stored, but the caller checks with {@link readable} that those loads stay inside memory.
 * add: C +=; otherwise C = bias (w floats, added to every row; 0: none) + the product.
 */
function block(c: usize, a0: usize, a1: usize, a2: usize, a3: usize, b: usize, rows: i32, w: i32, s0: i32, s1: i32, seg: i32, per: i32, inner: usize, outer: usize, aCol: usize, ldb: usize, ldc: usize, add: bool, bias: usize): void {
  const w0 = min(w, 4)
  const w1 = max(w - 4, 0)
  const c1 = rows > 1 ? c + ldc : c
  const c2 = rows > 2 ? c + 2 * ldc : c
  const c3 = rows > 3 ? c + 3 * ldc : c
  let s00 = f32x4.splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00
  if (add) {
    s00 = loadCols(c, w0); s10 = loadCols(c1, w0); s20 = loadCols(c2, w0); s30 = loadCols(c3, w0)
    if (w1 > 0) { s01 = loadCols(c + 16, w1); s11 = loadCols(c1 + 16, w1); s21 = loadCols(c2 + 16, w1); s31 = loadCols(c3 + 16, w1) }
  } else if (bias != 0) {
    s00 = loadCols(bias, w0); s10 = s00; s20 = s00; s30 = s00
    if (w1 > 0) { s01 = loadCols(bias + 16, w1); s11 = s01; s21 = s01; s31 = s01 }
  }
  let bp = b
  // Segment s starts at outer * (s / per) + inner * (s % per): stepped without dividing in the loop.
  let within = s0 % per
  let start = <usize>(s0 / per) * outer + <usize>within * inner
  for (let s = s0; s < s1; s++) {
    let x0 = a0 + start, x1 = a1 + start, x2 = a2 + start, x3 = a3 + start
    for (let t = 0; t < seg; t++) {
      const b0 = v128.load(bp)
      const b1 = v128.load(bp, 16)
      let x = v128.load32_splat(x0)
      s00 = madd(s00, x, b0); s01 = madd(s01, x, b1)
      x = v128.load32_splat(x1)
      s10 = madd(s10, x, b0); s11 = madd(s11, x, b1)
      x = v128.load32_splat(x2)
      s20 = madd(s20, x, b0); s21 = madd(s21, x, b1)
      x = v128.load32_splat(x3)
      s30 = madd(s30, x, b0); s31 = madd(s31, x, b1)
      x0 += aCol; x1 += aCol; x2 += aCol; x3 += aCol
      bp += ldb
    }
    if (++within == per) {
      within = 0
      start += outer - <usize>(per - 1) * inner
    } else start += inner
  }
  storeCols(c, s00, w0)
  if (rows > 1) storeCols(c1, s10, w0)
  if (rows > 2) storeCols(c2, s20, w0)
  if (rows > 3) storeCols(c3, s30, w0)
  if (w1 > 0) {
    storeCols(c + 16, s01, w1)
    if (rows > 1) storeCols(c1 + 16, s11, w1)
    if (rows > 2) storeCols(c2 + 16, s21, w1)
    if (rows > 3) storeCols(c3 + 16, s31, w1)
  }
}

/**
 * The common case of {@link block}, kept lean (few arguments, no edge branches in the loop): 4 full rows of
 * A (aRow bytes apart) by w (1..8) columns, one segment of depth steps; B must be {@link readable} when
 * w < 8 (the last block of a row of C: through the general block it ran 1.4-2x slower).
 */
function block8(c: usize, a: usize, b: usize, depth: i32, aRow: usize, aCol: usize, ldb: usize, ldc: usize, add: bool, bias: usize, w: i32): void {
  const w0 = min(w, 4)
  const w1 = max(w - 4, 0)
  let x0 = a, x1 = a + aRow, x2 = a + 2 * aRow, x3 = a + 3 * aRow
  let s00 = f32x4.splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00
  if (add) {
    s00 = loadCols(c, w0); s10 = loadCols(c + ldc, w0); s20 = loadCols(c + 2 * ldc, w0); s30 = loadCols(c + 3 * ldc, w0)
    if (w1 > 0) { s01 = loadCols(c + 16, w1); s11 = loadCols(c + ldc + 16, w1); s21 = loadCols(c + 2 * ldc + 16, w1); s31 = loadCols(c + 3 * ldc + 16, w1) }
  } else if (bias != 0) {
    s00 = loadCols(bias, w0); s10 = s00; s20 = s00; s30 = s00
    if (w1 > 0) { s01 = loadCols(bias + 16, w1); s11 = s01; s21 = s01; s31 = s01 }
  }
  let bp = b
  for (let p = 0; p < depth; p++) {
    const b0 = v128.load(bp)
    const b1 = v128.load(bp, 16)
    let x = v128.load32_splat(x0)
    s00 = madd(s00, x, b0); s01 = madd(s01, x, b1)
    x = v128.load32_splat(x1)
    s10 = madd(s10, x, b0); s11 = madd(s11, x, b1)
    x = v128.load32_splat(x2)
    s20 = madd(s20, x, b0); s21 = madd(s21, x, b1)
    x = v128.load32_splat(x3)
    s30 = madd(s30, x, b0); s31 = madd(s31, x, b1)
    x0 += aCol; x1 += aCol; x2 += aCol; x3 += aCol
    bp += ldb
  }
  storeCols(c, s00, w0); storeCols(c + ldc, s10, w0); storeCols(c + 2 * ldc, s20, w0); storeCols(c + 3 * ldc, s30, w0)
  if (w1 > 0) {
    storeCols(c + 16, s01, w1); storeCols(c + ldc + 16, s11, w1); storeCols(c + 2 * ldc + 16, s21, w1); storeCols(c + 3 * ldc + 16, s31, w1)
  }
}

/**
 * {@link block8} for A read transposed (aRow = 4: matmulTN, the dw products): the 4 rows' floats are
 * adjacent, read at fixed offsets from one pointer.
 */
function block8Columns(c: usize, a: usize, b: usize, depth: i32, aCol: usize, ldb: usize, ldc: usize, add: bool): void {
  let x = a
  let s00 = f32x4.splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00
  if (add) {
    s00 = v128.load(c); s01 = v128.load(c, 16); s10 = v128.load(c + ldc); s11 = v128.load(c + ldc, 16)
    s20 = v128.load(c + 2 * ldc); s21 = v128.load(c + 2 * ldc, 16); s30 = v128.load(c + 3 * ldc); s31 = v128.load(c + 3 * ldc, 16)
  }
  let bp = b
  for (let p = 0; p < depth; p++) {
    const b0 = v128.load(bp)
    const b1 = v128.load(bp, 16)
    let v = v128.load32_splat(x)
    s00 = madd(s00, v, b0); s01 = madd(s01, v, b1)
    v = v128.load32_splat(x, 4)
    s10 = madd(s10, v, b0); s11 = madd(s11, v, b1)
    v = v128.load32_splat(x, 8)
    s20 = madd(s20, v, b0); s21 = madd(s21, v, b1)
    v = v128.load32_splat(x, 12)
    s30 = madd(s30, v, b0); s31 = madd(s31, v, b1)
    x += aCol
    bp += ldb
  }
  v128.store(c, s00); v128.store(c, s01, 16)
  v128.store(c + ldc, s10); v128.store(c + ldc, s11, 16)
  v128.store(c + 2 * ldc, s20); v128.store(c + 2 * ldc, s21, 16)
  v128.store(c + 3 * ldc, s30); v128.store(c + 3 * ldc, s31, 16)
}

/**
 * {@link block} one float at a time, reading B only where w says: for the rare block whose 8-float loads
 * of B would pass the end of memory (B is the last array and w < 8).
 */
function blockExact(c: usize, a0: usize, a1: usize, a2: usize, a3: usize, b: usize, rows: i32, w: i32, s0: i32, s1: i32, seg: i32, per: i32, inner: usize, outer: usize, aCol: usize, ldb: usize, ldc: usize, add: bool, bias: usize): void {
  for (let r = 0; r < rows; r++) {
    const a = r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3
    const cr = c + <usize>r * ldc
    for (let t = 0; t < w; t++) {
      const o = (<usize>t) << 2
      let sum: f32 = add ? load<f32>(cr + o) : bias != 0 ? load<f32>(bias + o) : 0
      let bp = b + o
      for (let s = s0; s < s1; s++) {
        let x = a + <usize>(s / per) * outer + <usize>(s % per) * inner
        for (let step = 0; step < seg; step++, x += aCol, bp += ldb) sum += load<f32>(x) * load<f32>(bp)
      }
      store<f32>(cr + o, sum)
    }
  }
}

/** Whether `steps` rows of 8 floats from b on, ldb bytes apart, lie inside memory (see {@link block}). */
// @ts-ignore: decorator
@inline export function readable(b: usize, steps: i32, ldb: usize): bool {
  return <u64>b + <u64>max(steps - 1, 0) * <u64>ldb + 32 <= <u64>memory.size() << 16
}

/** {@link block}, or {@link blockExact} where block's loads of B would pass the end of memory. */
export function product(c: usize, a0: usize, a1: usize, a2: usize, a3: usize, b: usize, rows: i32, w: i32, s0: i32, s1: i32, seg: i32, per: i32, inner: usize, outer: usize, aCol: usize, ldb: usize, ldc: usize, add: bool, bias: usize): void {
  if (w == 8 || readable(b, (s1 - s0) * seg, ldb)) block(c, a0, a1, a2, a3, b, rows, w, s0, s1, seg, per, inner, outer, aCol, ldb, ldc, add, bias)
  else blockExact(c, a0, a1, a2, a3, b, rows, w, s0, s1, seg, per, inner, outer, aCol, ldb, ldc, add, bias)
}

/**
 * C[m x n] (+)= A . B where A's element (i, p) is at a + i*aRow + p*aCol (bytes) and B is [k x n]
 * row-major: the body of matmul (aRow = 4k, aCol = 4) and matmulTN (aRow = 4, aCol = 4m). Unless
 * accumulating, bias[n] (0: none) is added to every row.
 */
export function gemm(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, aRow: usize, aCol: usize, accumulate: bool, bias: usize): void {
  const ld = (<usize>n) << 2
  if (k == 0) {
    if (!accumulate) {
      if (bias != 0) fillRows(c, bias, m, n)
      else memory.fill(c, 0, <usize>m * ld)
    }
    return
  }
  // Depth chunks keep B's chunk (depth x n) within ~256 KB, in L2, while 4-row blocks of A sweep over it
  // (smaller chunks reload C too often: measured slower on the models' shapes). A small C read through A^T
  // (a 1x1 conv's dw: a strided A and B over thousands of positions) takes chunks whose A and B stay in L1.
  const depthBlock = aRow == 4 && m * n <= 4096 ? max(32, 4096 / (m + n)) : max(16, 65536 / n)
  for (let p0 = 0; p0 < k; p0 += depthBlock) {
    const depth = min(depthBlock, k - p0)
    const add = accumulate || p0 > 0
    const ap = a + <usize>p0 * aCol
    const bp = b + <usize>p0 * ld
    for (let i = 0; i < m; ) {
      // 5-row blocks where A's rows are contiguous (10 accumulators: fewer loop steps per product than 4 rows)
      const five = aCol == 4 && m - i >= 5
      const ci = c + <usize>i * ld
      const a0 = ap + <usize>i * aRow
      for (let j = 0; j < n; j += 8) {
        const w = min(8, n - j)
        const bj = bp + ((<usize>j) << 2)
        const cj = ci + ((<usize>j) << 2)
        const bias0 = add || bias == 0 ? 0 : bias + ((<usize>j) << 2)
        if (five && w == 8) block5x8(cj, a0, bj, depth, aRow, ld, ld, add, bias0)
        else {
          blocks4(cj, a0, bj, min(4, m - i), w, depth, aRow, aCol, ld, add, bias0)
          if (five) blocks4(cj + 4 * ld, a0 + 4 * aRow, bj, 1, w, depth, aRow, aCol, ld, add, bias0)
        }
      }
      i += five ? 5 : 4
    }
  }
}

/** One block of C (rows 1..4, w 1..8) by the leanest kernel that fits it. */
// @ts-ignore: decorator
@inline function blocks4(c: usize, a0: usize, b: usize, rows: i32, w: i32, depth: i32, aRow: usize, aCol: usize, ld: usize, add: bool, bias: usize): void {
  if (rows == 4 && w == 8) {
    if (aRow == 4 && bias == 0) block8Columns(c, a0, b, depth, aCol, ld, ld, add)
    else block8(c, a0, b, depth, aRow, aCol, ld, ld, add, bias, 8)
  } else if (rows == 4 && readable(b, depth, ld)) block8(c, a0, b, depth, aRow, aCol, ld, ld, add, bias, w)
  else {
    const a1 = rows > 1 ? a0 + aRow : a0
    const a2 = rows > 2 ? a0 + 2 * aRow : a0
    const a3 = rows > 3 ? a0 + 3 * aRow : a0
    product(c, a0, a1, a2, a3, b, rows, w, 0, 1, depth, 1, 0, 0, aCol, ld, ld, add, bias)
  }
}

/** {@link block8} for 5 rows of contiguous A (aCol = 4). */
export function block5x8(c: usize, a: usize, b: usize, depth: i32, aRow: usize, ldb: usize, ldc: usize, add: bool, bias: usize): void {
  let x0 = a, x1 = a + aRow, x2 = a + 2 * aRow, x3 = a + 3 * aRow, x4 = a + 4 * aRow
  let s00 = f32x4.splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00, s40 = s00, s41 = s00
  const c4 = c + 4 * ldc
  if (add) {
    s00 = v128.load(c); s01 = v128.load(c, 16); s10 = v128.load(c + ldc); s11 = v128.load(c + ldc, 16)
    s20 = v128.load(c + 2 * ldc); s21 = v128.load(c + 2 * ldc, 16); s30 = v128.load(c + 3 * ldc); s31 = v128.load(c + 3 * ldc, 16)
    s40 = v128.load(c4); s41 = v128.load(c4, 16)
  } else if (bias != 0) {
    s00 = v128.load(bias); s01 = v128.load(bias, 16); s10 = s00; s11 = s01; s20 = s00; s21 = s01; s30 = s00; s31 = s01; s40 = s00; s41 = s01
  }
  let bp = b
  for (let p = 0; p < depth; p++) {
    const b0 = v128.load(bp)
    const b1 = v128.load(bp, 16)
    let x = v128.load32_splat(x0)
    s00 = madd(s00, x, b0); s01 = madd(s01, x, b1)
    x = v128.load32_splat(x1)
    s10 = madd(s10, x, b0); s11 = madd(s11, x, b1)
    x = v128.load32_splat(x2)
    s20 = madd(s20, x, b0); s21 = madd(s21, x, b1)
    x = v128.load32_splat(x3)
    s30 = madd(s30, x, b0); s31 = madd(s31, x, b1)
    x = v128.load32_splat(x4)
    s40 = madd(s40, x, b0); s41 = madd(s41, x, b1)
    x0 += 4; x1 += 4; x2 += 4; x3 += 4; x4 += 4
    bp += ldb
  }
  v128.store(c, s00); v128.store(c, s01, 16)
  v128.store(c + ldc, s10); v128.store(c + ldc, s11, 16)
  v128.store(c + 2 * ldc, s20); v128.store(c + 2 * ldc, s21, 16)
  v128.store(c + 3 * ldc, s30); v128.store(c + 3 * ldc, s31, 16)
  v128.store(c4, s40); v128.store(c4, s41, 16)
}

/** dst[cols x rows] = src[rows x cols]^T. */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const s = src + (<usize>i * <usize>cols << 2)
    const d = dst + ((<usize>i) << 2)
    for (let j = 0; j < cols; j++) store<f32>(d + (<usize>j * <usize>rows << 2), load<f32>(s + ((<usize>j) << 2)))
  }
}

/** C[m x n] = A[m x k] . B[k x n] (accumulate: C +=). */
export function matmul(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  gemm(c, a, b, m, k, n, (<usize>k) << 2, 4, accumulate, 0)
}

/** C[m x n] = A^T . B with A stored [k x m] (accumulate: C +=). */
export function matmulTN(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  gemm(c, a, b, m, k, n, 4, (<usize>m) << 2, accumulate, 0)
}

/** C[m x n] = A . B^T with B stored [n x k] (accumulate: C +=); work holds k*n floats (B^T). */
export function matmulNT(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: bool, work: usize): void {
  transpose(work, b, n, k)
  matmul(c, a, work, m, k, n, accumulate)
}

/**
 * dst[0..n) = src[0..n) for short runs (no call into the engine as memory.copy makes); a run of 4 or more
 * ends with one vector that may overlap the previous one. dst and src must not overlap.
 */
// @ts-ignore: decorator
@inline export function copyFloats(dst: usize, src: usize, n: i32): void {
  if (n >= 4) {
    const last = (<usize>(n - 4)) << 2
    for (let o: usize = 0; o < last; o += 16) v128.store(dst + o, v128.load(src + o))
    v128.store(dst + last, v128.load(src + last))
  } else {
    for (let j = 0; j < n; j++) {
      const o = (<usize>j) << 2
      store<f32>(dst + o, load<f32>(src + o))
    }
  }
}

/** Each of the rows of y[rows x n] = v[n]. */
export function fillRows(y: usize, v: usize, rows: i32, n: i32): void {
  const bytes = (<usize>n) << 2
  for (let i = 0; i < rows; i++) copyFloats(y + <usize>i * bytes, v, n)
}

/** s[n] = the column sums of y[rows x n]. */
export function columnSums(s: usize, y: usize, rows: i32, n: i32): void {
  const bytes = (<usize>n) << 2
  memory.fill(s, 0, bytes)
  for (let i = 0; i < rows; i++) addInPlace(s, y + <usize>i * bytes, n)
}

/** Dense layer: y[batch x units] = x[batch x inputs] . w[inputs x units] (+ bias[units] if bias != 0). */
export function denseForward(y: usize, x: usize, w: usize, bias: usize, batch: i32, inputs: i32, units: i32): void {
  gemm(y, x, w, batch, inputs, units, (<usize>inputs) << 2, 4, false, bias)
}

/**
 * Dense gradients, all overwritten: dw = x^T . dy, db = column sums of dy (if db != 0), dx = dy . w^T
 * (if dx != 0). dw serves as the scratch for w^T before it receives its own value.
 */
export function denseBackward(dx: usize, dw: usize, db: usize, dy: usize, x: usize, w: usize, batch: i32, inputs: i32, units: i32): void {
  if (dx != 0) {
    transpose(dw, w, inputs, units)
    matmul(dx, dy, dw, batch, units, inputs, false)
  }
  matmulTN(dw, x, dy, inputs, batch, units, false)
  if (db != 0) columnSums(db, dy, batch, units)
}
