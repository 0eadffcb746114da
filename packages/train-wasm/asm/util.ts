/** dst[i] = src[i] * mask[i] for n floats (holds pruned weights at zero). */
export function multiplyInPlace(dst: usize, mask: usize, n: i32): void {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2
    v128.store(dst + o, f32x4.mul(v128.load(dst + o), v128.load(mask + o)))
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2
    store<f32>(dst + o, load<f32>(dst + o) * load<f32>(mask + o))
  }
}

/** dst[i] = 0 for n floats. */
export function zero(dst: usize, n: i32): void {
  memory.fill(dst, 0, (<usize>n) << 2)
}

/** dst[i] += src[i] for n floats. */
export function addInPlace(dst: usize, src: usize, n: i32): void {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)))
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o))
  }
}

/** dst[i] = src[i] for n floats. */
export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, (<usize>n) << 2)
}

/** y[r, c] += bias[c] over rows x channels. */
export function biasAdd(y: usize, bias: usize, rows: i32, channels: i32): void {
  const rowBytes = (<usize>channels) << 2
  for (let r = 0; r < rows; r++) addInPlace(y + <usize>r * rowBytes, bias, channels)
}
