// Element-wise layers: activations (x is the pre-activation input), the residual Add, global average pooling.

/** kind 0: relu; 1: tfjs-layers' ReLU layer with maxValue (relu, then clipByValue(0, maxValue)); 2: tf.relu6. */
export function activationForward(y: usize, x: usize, n: i32, kind: i32, maxValue: f32): void {
  const top = upperBound(kind, maxValue)
  const zero = f32x4.splat(0)
  const topV = f32x4.splat(top)
  const bytes = (<usize>n) << 2
  const vectorEnd = (<usize>(n & ~3)) << 2
  let o: usize = 0
  // tfjs's cpu kernels: max(0, x) (so relu(-0) = +0) then the clip; NaN passes through both. Clearing
  // the lanes <= 0 and pmin (one x86 minps each) keep those rules; f32x4.min/max take many instructions.
  for (; o < vectorEnd; o += 16) {
    const v = v128.load(x + o)
    v128.store(y + o, f32x4.pmin(v128.andnot(v, f32x4.le(v, zero)), topV))
  }
  for (; o < bytes; o += 4) store<f32>(y + o, min(max(load<f32>(x + o), <f32>0), top))
}

/**
 * dx = dy where the activation passes its gradient (dx overwritten). tfjs's rules: Relu's gradient is
 * step(x), 0 at x = 0; ClipByValue's passes at both bounds inclusive; Relu6's is step(x) * (x <= 6).
 * So every kind passes for 0 < x <= top (top: Infinity, maxValue or 6).
 */
export function activationBackward(dx: usize, dy: usize, x: usize, n: i32, kind: i32, maxValue: f32): void {
  const top = upperBound(kind, maxValue)
  const zero = f32x4.splat(0)
  const topV = f32x4.splat(top)
  const bytes = (<usize>n) << 2
  const vectorEnd = (<usize>(n & ~3)) << 2
  let o: usize = 0
  for (; o < vectorEnd; o += 16) {
    const v = v128.load(x + o)
    const pass = v128.and(f32x4.gt(v, zero), f32x4.le(v, topV))
    v128.store(dx + o, v128.and(v128.load(dy + o), pass))
  }
  for (; o < bytes; o += 4) {
    const v = load<f32>(x + o)
    store<f32>(dx + o, v > 0 && v <= top ? load<f32>(dy + o) : 0)
  }
}

// The activation's clip: none for relu, maxValue for the ReLU layer, 6 for relu6.
@inline
function upperBound(kind: i32, maxValue: f32): f32 {
  return kind == 2 ? <f32>6 : kind == 1 ? maxValue : Infinity
}

/** y = a + b for n floats (y may be a or b). */
export function addForward(y: usize, a: usize, b: usize, n: i32): void {
  const bytes = (<usize>n) << 2
  const vectorEnd = (<usize>(n & ~3)) << 2
  let o: usize = 0
  for (; o < vectorEnd; o += 16) v128.store(y + o, f32x4.add(v128.load(a + o), v128.load(b + o)))
  for (; o < bytes; o += 4) store<f32>(y + o, load<f32>(a + o) + load<f32>(b + o))
}

/** y[b, ch] = mean over the hw pixels of x[b, pixel, ch] (tf.mean over axes 1 and 2; y overwritten). */
export function globalAvgPoolForward(y: usize, x: usize, batch: i32, hw: i32, c: i32): void {
  const rowBytes = (<usize>c) << 2
  const vectorEnd = (<usize>(c & ~3)) << 2
  const count = <f32>hw
  let xr = x
  for (let b = 0; b < batch; b++) {
    const yr = y + <usize>b * rowBytes
    memory.fill(yr, 0, rowBytes)
    for (let p = 0; p < hw; p++, xr += rowBytes) {
      let o: usize = 0
      for (; o < vectorEnd; o += 16) v128.store(yr + o, f32x4.add(v128.load(yr + o), v128.load(xr + o)))
      for (; o < rowBytes; o += 4) store<f32>(yr + o, load<f32>(yr + o) + load<f32>(xr + o))
    }
    for (let o: usize = 0; o < rowBytes; o += 4) store<f32>(yr + o, load<f32>(yr + o) / count)
  }
}

/** dx[b, pixel, ch] = dy[b, ch] / hw (dx overwritten). */
export function globalAvgPoolBackward(dx: usize, dy: usize, batch: i32, hw: i32, c: i32): void {
  const rowBytes = (<usize>c) << 2
  const vectorEnd = (<usize>(c & ~3)) << 2
  const count = f32x4.splat(<f32>hw)
  let dxr = dx
  for (let b = 0; b < batch; b++) {
    const dyr = dy + <usize>b * rowBytes
    for (let p = 0; p < hw; p++, dxr += rowBytes) {
      let o: usize = 0
      for (; o < vectorEnd; o += 16) v128.store(dxr + o, f32x4.div(v128.load(dyr + o), count))
      for (; o < rowBytes; o += 4) store<f32>(dxr + o, load<f32>(dyr + o) / <f32>hw)
    }
  }
}
