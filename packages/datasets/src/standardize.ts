/** Z-scores every column of `train` (rows of `width` values) and `others` in place, with the mean and std of `train`. */
export function standardizeColumns(train: Float32Array, width: number, others: Float32Array[]): void {
  const n = train.length / width
  for (let j = 0; j < width; j++) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += train[i * width + j]
    const mean = sum / n
    let squares = 0
    for (let i = 0; i < n; i++) squares += (train[i * width + j] - mean) ** 2
    // A constant column (possible in a tiny train split) is centred, not divided by zero.
    const std = Math.sqrt(squares / n) || 1
    for (const x of [train, ...others]) {
      for (let i = j; i < x.length; i += width) x[i] = (x[i] - mean) / std
    }
  }
}
