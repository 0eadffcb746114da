/** Per-layer kernels other than matrix products (asm/layers*.ts): depthwise, BatchNorm, activations, pooling, loss, optimizers. */
export interface LayerKernels {
  depthwiseForward(y: number, x: number, w: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void
  depthwiseBackward(dx: number, dw: number, dy: number, x: number, w: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void
  batchNormTrainForward(y: number, x: number, gamma: number, beta: number, mean: number, invStd: number, movingMean: number, movingVar: number, rows: number, c: number, epsilon: number, momentum: number): void
  batchNormBackward(dx: number, dgamma: number, dbeta: number, dy: number, x: number, mean: number, invStd: number, gamma: number, rows: number, c: number): void
  activationForward(y: number, x: number, n: number, kind: number, maxValue: number): void
  activationBackward(dx: number, dy: number, x: number, n: number, kind: number, maxValue: number): void
  addForward(y: number, a: number, b: number, n: number): void
  maxPoolForward(y: number, x: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void
  maxPoolBackward(dx: number, dy: number, x: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void
  globalAvgPoolForward(y: number, x: number, batch: number, hw: number, c: number): void
  globalAvgPoolBackward(dx: number, dy: number, batch: number, hw: number, c: number): void
  softmaxCrossEntropy(probs: number, dlogits: number, logits: number, labels: number, batch: number, classes: number): number
  adamUpdate(w: number, g: number, m: number, v: number, n: number, learningRate: number, beta1: number, beta2: number, epsilon: number, beta1Power: number, beta2Power: number): void
  momentumUpdate(w: number, g: number, accum: number, n: number, learningRate: number, momentum: number): void
  sgdUpdate(w: number, g: number, n: number, learningRate: number): void
}
