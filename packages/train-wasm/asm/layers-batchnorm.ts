// BatchNormalization over the last axis as tfjs-layers trains it: batch statistics from tf.moments
// (biased variance), rows = batch * h * w rows of c channels each.

/**
 * y = (x - mean) * invStd * gamma + beta with the batch's mean and invStd = 1 / sqrt(var + epsilon)
 * written per channel; moving stats updated in place as tfjs-layers does:
 * moving -= (moving - batch) * (1 - momentum), with the biased variance. gamma/beta are 0 when absent.
 */
export function batchNormTrainForward(
  y: usize, x: usize, gamma: usize, beta: usize, mean: usize, invStd: usize,
  movingMean: usize, movingVar: usize, rows: i32, c: i32, epsilon: f64, momentum: f64,
): void {
  const rowBytes = (<usize>c) << 2
  const vectorEnd = (<usize>(c & ~3)) << 2
  const end = x + <usize>rows * rowBytes
  // One pass over x: per channel, the sums of d = x - x[row 0] and d * d (into mean and invStd). Shifting
  // by a sample of the channel keeps sum(d * d) / n - mean(d)^2 from cancelling when |mean| >> std.
  // Block by block of rows (cache-resident while each column group of it is summed).
  memory.fill(mean, 0, vectorEnd)
  memory.fill(invStd, 0, vectorEnd)
  const blockBytes = <usize>blockRows * rowBytes
  for (let block = x; block < end; block += blockBytes) {
    const blockEnd = min(block + blockBytes, end)
    let o: usize = 0
    for (; o + 64 <= vectorEnd; o += 64) shiftedSums4(mean + o, invStd + o, x + o, block + o, blockEnd + o, rowBytes)
    for (; o < vectorEnd; o += 16) shiftedSums1(mean + o, invStd + o, x + o, block + o, blockEnd + o, rowBytes)
  }
  for (let o = vectorEnd; o < rowBytes; o += 4) {
    const shift = load<f32>(x + o)
    let sum: f32 = 0
    let squares: f32 = 0
    for (let xp = x + o; xp < end; xp += rowBytes) {
      const d = load<f32>(xp) - shift
      sum += d
      squares += d * d
    }
    store<f32>(mean + o, sum)
    store<f32>(invStd + o, squares)
  }
  const count = <f32>rows
  const decay = <f32>(1 - momentum)
  for (let o: usize = 0; o < rowBytes; o += 4) {
    const shiftedMean = load<f32>(mean + o) / count
    store<f32>(mean + o, load<f32>(x + o) + shiftedMean)
    const variance = max(load<f32>(invStd + o) / count - shiftedMean * shiftedMean, <f32>0)
    const movedMean = load<f32>(movingMean + o)
    store<f32>(movingMean + o, movedMean - (movedMean - load<f32>(mean + o)) * decay)
    const movedVar = load<f32>(movingVar + o)
    store<f32>(movingVar + o, movedVar - (movedVar - variance) * decay)
    store<f32>(invStd + o, <f32>(1 / Math.sqrt(<f64>variance + epsilon)))
  }
  const one = f32x4.splat(1)
  const zero = f32x4.splat(0)
  const affine = gamma != 0 && beta != 0
  let yr = y
  for (let xr = x; xr < end; xr += rowBytes, yr += rowBytes) {
    let o: usize = 0
    // The usual layer (scale and center on) without a test per vector.
    if (affine) {
      for (; o < vectorEnd; o += 16) {
        const scale = f32x4.mul(v128.load(invStd + o), v128.load(gamma + o))
        v128.store(yr + o, f32x4.add(f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mean + o)), scale), v128.load(beta + o)))
      }
    }
    for (; o < vectorEnd; o += 16) {
      const scale = f32x4.mul(v128.load(invStd + o), gamma != 0 ? v128.load(gamma + o) : one)
      const shift = beta != 0 ? v128.load(beta + o) : zero
      v128.store(yr + o, f32x4.add(f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mean + o)), scale), shift))
    }
    for (; o < rowBytes; o += 4) {
      const scale = load<f32>(invStd + o) * (gamma != 0 ? load<f32>(gamma + o) : 1)
      const shift: f32 = beta != 0 ? load<f32>(beta + o) : 0
      store<f32>(yr + o, (load<f32>(xr + o) - load<f32>(mean + o)) * scale + shift)
    }
  }
}

// Rows per block: a block of x (and dy) stays in cache while each of its column groups is summed, and
// summing block by block keeps the float sums accurate (pairwise-style).
const blockRows = 256

// For 4 channel vectors (one 64-byte line of a row): adds to sums and squares the sums of d and d * d,
// d = x - x[row 0], over the rows first..end (pointers to this column in those rows), in registers.
@inline
function shiftedSums4(sums: usize, squares: usize, shift: usize, first: usize, end: usize, rowBytes: usize): void {
  const k0 = v128.load(shift)
  const k1 = v128.load(shift, 16)
  const k2 = v128.load(shift, 32)
  const k3 = v128.load(shift, 48)
  const zero = f32x4.splat(0)
  let s0 = zero, s1 = zero, s2 = zero, s3 = zero
  let q0 = zero, q1 = zero, q2 = zero, q3 = zero
  for (let xp = first; xp < end; xp += rowBytes) {
    const d0 = f32x4.sub(v128.load(xp), k0)
    const d1 = f32x4.sub(v128.load(xp, 16), k1)
    const d2 = f32x4.sub(v128.load(xp, 32), k2)
    const d3 = f32x4.sub(v128.load(xp, 48), k3)
    s0 = f32x4.add(s0, d0)
    s1 = f32x4.add(s1, d1)
    s2 = f32x4.add(s2, d2)
    s3 = f32x4.add(s3, d3)
    q0 = f32x4.add(q0, f32x4.mul(d0, d0))
    q1 = f32x4.add(q1, f32x4.mul(d1, d1))
    q2 = f32x4.add(q2, f32x4.mul(d2, d2))
    q3 = f32x4.add(q3, f32x4.mul(d3, d3))
  }
  v128.store(sums, f32x4.add(v128.load(sums), s0))
  v128.store(sums, f32x4.add(v128.load(sums, 16), s1), 16)
  v128.store(sums, f32x4.add(v128.load(sums, 32), s2), 32)
  v128.store(sums, f32x4.add(v128.load(sums, 48), s3), 48)
  v128.store(squares, f32x4.add(v128.load(squares), q0))
  v128.store(squares, f32x4.add(v128.load(squares, 16), q1), 16)
  v128.store(squares, f32x4.add(v128.load(squares, 32), q2), 32)
  v128.store(squares, f32x4.add(v128.load(squares, 48), q3), 48)
}

// shiftedSums4 for one channel vector.
@inline
function shiftedSums1(sums: usize, squares: usize, shift: usize, first: usize, end: usize, rowBytes: usize): void {
  const k = v128.load(shift)
  let s = f32x4.splat(0)
  let q = f32x4.splat(0)
  for (let xp = first; xp < end; xp += rowBytes) {
    const d = f32x4.sub(v128.load(xp), k)
    s = f32x4.add(s, d)
    q = f32x4.add(q, f32x4.mul(d, d))
  }
  v128.store(sums, f32x4.add(v128.load(sums), s))
  v128.store(squares, f32x4.add(v128.load(squares), q))
}

/**
 * Gradient through batchNormTrainForward including the batch statistics (as tfjs's autodiff of the
 * layer): dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)), xhat = (x - mean) * invStd
 * (dx overwritten); dbeta = sum(dy), dgamma = sum(dy * xhat) per channel when non-zero. gamma 0 = ones.
 */
export function batchNormBackward(
  dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invStd: usize, gamma: usize, rows: i32, c: i32,
): void {
  if (dgamma == 0 || dbeta == 0) {
    batchNormBackwardByChannel(dx, dgamma, dbeta, dy, x, mean, invStd, gamma, rows, c)
    return
  }
  const rowBytes = (<usize>c) << 2
  const vectorEnd = (<usize>(c & ~3)) << 2
  const end = x + <usize>rows * rowBytes
  // dbeta = sum(dy) and dgamma = sum(dy * (x - mean)) * invStd, row by row.
  memory.fill(dgamma, 0, rowBytes)
  memory.fill(dbeta, 0, rowBytes)
  let dyr = dy
  for (let xr = x; xr < end; xr += rowBytes, dyr += rowBytes) {
    let o: usize = 0
    for (; o < vectorEnd; o += 16) {
      const g = v128.load(dyr + o)
      v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), g))
      v128.store(dgamma + o, f32x4.add(v128.load(dgamma + o), f32x4.mul(g, f32x4.sub(v128.load(xr + o), v128.load(mean + o)))))
    }
    for (; o < rowBytes; o += 4) {
      const g = load<f32>(dyr + o)
      store<f32>(dbeta + o, load<f32>(dbeta + o) + g)
      store<f32>(dgamma + o, load<f32>(dgamma + o) + g * (load<f32>(xr + o) - load<f32>(mean + o)))
    }
  }
  for (let o: usize = 0; o < rowBytes; o += 4) store<f32>(dgamma + o, load<f32>(dgamma + o) * load<f32>(invStd + o))
  dyr = dy
  const inverseCount = f32x4.splat(<f32>1 / <f32>rows)
  let dxr = dx
  for (let xr = x; xr < end; xr += rowBytes, dyr += rowBytes, dxr += rowBytes) {
    let o: usize = 0
    for (; o < vectorEnd; o += 16) {
      const s = v128.load(invStd + o)
      const scale = gamma != 0 ? f32x4.mul(v128.load(gamma + o), s) : s
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mean + o)), s)
      const centred = f32x4.sub(v128.load(dyr + o), f32x4.mul(v128.load(dbeta + o), inverseCount))
      const projected = f32x4.mul(xhat, f32x4.mul(v128.load(dgamma + o), inverseCount))
      v128.store(dxr + o, f32x4.mul(scale, f32x4.sub(centred, projected)))
    }
    for (; o < rowBytes; o += 4) {
      const s = load<f32>(invStd + o)
      const scale = gamma != 0 ? load<f32>(gamma + o) * s : s
      const xhat = (load<f32>(xr + o) - load<f32>(mean + o)) * s
      const count = <f32>rows
      store<f32>(dxr + o, scale * (load<f32>(dyr + o) - load<f32>(dbeta + o) / count - xhat * (load<f32>(dgamma + o) / count)))
    }
  }
}

// The same gradient one channel at a time (strided, no scratch): for layers without scale or center.
function batchNormBackwardByChannel(
  dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invStd: usize, gamma: usize, rows: i32, c: i32,
): void {
  const rowBytes = (<usize>c) << 2
  const bytes = <usize>rows * rowBytes
  const count = <f32>rows
  for (let o: usize = 0; o < rowBytes; o += 4) {
    const m = load<f32>(mean + o)
    const s = load<f32>(invStd + o)
    let sumDy: f32 = 0
    let sumDyXhat: f32 = 0
    for (let r: usize = o; r < bytes; r += rowBytes) {
      const g = load<f32>(dy + r)
      sumDy += g
      sumDyXhat += g * (load<f32>(x + r) - m) * s
    }
    if (dbeta != 0) store<f32>(dbeta + o, sumDy)
    if (dgamma != 0) store<f32>(dgamma + o, sumDyXhat)
    const scale = gamma != 0 ? load<f32>(gamma + o) * s : s
    for (let r: usize = o; r < bytes; r += rowBytes) {
      const xhat = (load<f32>(x + r) - m) * s
      store<f32>(dx + r, scale * (load<f32>(dy + r) - sumDy / count - xhat * (sumDyXhat / count)))
    }
  }
}
