// prunekit's multiclass loss on a softmax output (packages/core/src/loss.ts) and its gradient.

// clipByValue's bounds as float32, as tfjs compares them.
const low = <f32>1e-7
const high = <f32>(1 - 1e-7)

/**
 * probs = softmax(logits) per row; returns -mean over rows of sum(labels * log(clip(probs, 1e-7, 1 - 1e-7)));
 * dlogits = its gradient through the clip (zero outside [low, high], bounds inclusive) and the softmax.
 * probs and dlogits are overwritten; labels are one-hot (or soft) float rows.
 */
export function softmaxCrossEntropy(probs: usize, dlogits: usize, logits: usize, labels: usize, batch: i32, classes: i32): f32 {
  const rowBytes = (<usize>classes) << 2
  const perRow = <f32>-1 / <f32>batch
  let loss: f64 = 0
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * rowBytes
    // tfjs's softmax: subtract the row max, exp, divide by the sum.
    let top: f32 = -Infinity
    for (let o: usize = 0; o < rowBytes; o += 4) top = max(top, load<f32>(logits + row + o))
    let sum: f64 = 0
    for (let o: usize = 0; o < rowBytes; o += 4) {
      const e = <f32>Math.exp(<f64>(load<f32>(logits + row + o) - top))
      store<f32>(probs + row + o, e)
      sum += e
    }
    const total = <f32>sum
    let rowLoss: f64 = 0
    // dp = d loss / d probs; then softmax backward: dlogits = p * (dp - sum(p * dp)).
    let dot: f32 = 0
    for (let o: usize = 0; o < rowBytes; o += 4) {
      const p = load<f32>(probs + row + o) / total
      store<f32>(probs + row + o, p)
      const y = load<f32>(labels + row + o)
      const clipped = min(max(p, low), high)
      rowLoss += <f64>(y * <f32>Math.log(<f64>clipped))
      const dp: f32 = p >= low && p <= high ? perRow * (y / clipped) : 0
      store<f32>(dlogits + row + o, dp)
      dot += p * dp
    }
    for (let o: usize = 0; o < rowBytes; o += 4) {
      const p = load<f32>(probs + row + o)
      store<f32>(dlogits + row + o, p * load<f32>(dlogits + row + o) - p * dot)
    }
    loss += <f64><f32>rowLoss
  }
  return <f32>(-loss / <f64>batch)
}
