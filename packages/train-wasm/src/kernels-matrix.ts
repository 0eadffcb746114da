/**
 * Matrix products, convolutions and Dense layers (asm/matrix.ts, asm/conv.ts). Pointers are byte offsets,
 * arrays float32 row-major, images NHWC; every output is overwritten unless `accumulate` is 1.
 */
export interface MatrixKernels {
  /** c[m x n] = a[m x k] . b[k x n]; accumulate 1: c += a . b. */
  matmul(c: number, a: number, b: number, m: number, k: number, n: number, accumulate: number): void
  /** c[m x n] = a^T . b with a stored [k x m]; accumulate 1: c += a^T . b. */
  matmulTN(c: number, a: number, b: number, m: number, k: number, n: number, accumulate: number): void
  /** c[m x n] = a . b^T with b stored [n x k]; accumulate 1: c += a . b^T. work: k*n floats of scratch (b^T). */
  matmulNT(c: number, a: number, b: number, m: number, k: number, n: number, accumulate: number, work: number): void
  /** dst[cols x rows] = src[rows x cols]^T. */
  transpose(dst: number, src: number, rows: number, cols: number): void
  /** sums[n] = the column sums of y[rows x n] (a bias gradient). */
  columnSums(sums: number, y: number, rows: number, n: number): void
  /** Dense layer: y[batch x units] = x[batch x inputs] . w[inputs x units] (+ bias[units] if bias is not 0). */
  denseForward(y: number, x: number, w: number, bias: number, batch: number, inputs: number, units: number): void
  /**
   * Dense gradients from dy[batch x units], all overwritten: dw = x^T . dy, db = column sums of dy (if db
   * is not 0), dx = dy . w^T (if dx is not 0; dw serves as scratch for w^T first).
   */
  denseBackward(dx: number, dw: number, db: number, dy: number, x: number, w: number, batch: number, inputs: number, units: number): void
  /**
   * y[batch, oh, ow, cout] = tfjs's conv2d (dilation 1) of x[batch, h, width, cin] with w[kh, kw, cin, cout],
   * strides sh, sw, padding padTop, padLeft (tfjs's 'same' puts the odd extra pixel bottom/right), + bias[cout]
   * if bias is not 0. col: scratch of batch*oh*ow*kh*kw*cin floats; pass it unchanged to conv2dBackward
   * with the same x. The product reads receptive fields straight from x; a padded conv leaves a
   * zero-bordered copy of x in col, and only where that copy would not fit (large strides) does col
   * receive the im2col matrix. A 1x1 stride-1 unpadded conv never touches col (it may be 0).
   */
  conv2dForward(y: number, x: number, w: number, bias: number, col: number, batch: number, h: number, width: number, cin: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number, cout: number): void
  /**
   * Gradients of conv2dForward from dy[batch, oh, ow, cout], all overwritten: dw[kh, kw, cin, cout], db[cout]
   * (if db is not 0), dx[batch, h, width, cin] (if dx is not 0). col: as the forward of the same x left it;
   * dcol: scratch of col's size (at most max(4096, ow*kh*kw*cin) floats of it are used; a 1x1 stride-1
   * unpadded conv touches neither, so both may be 0). dw serves as scratch for w^T before it receives its
   * own value.
   */
  conv2dBackward(dx: number, dw: number, db: number, dy: number, x: number, w: number, col: number, dcol: number, batch: number, h: number, width: number, cin: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number, cout: number): void
}
