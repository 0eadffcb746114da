/**
 * Per-layer kernels other than matrix products (asm/layers*.ts): depthwise, BatchNorm, activations,
 * pooling, loss, optimizers. Pointers are byte offsets into the module's memory; images are NHWC; every
 * output named "overwritten" is written whole, never accumulated into. Each kernel matches tfjs 4.22's
 * cpu backend (forward op and its registered gradient) to float32 rounding.
 */
export interface LayerKernels {
  /** y [batch, oh, ow, c] = depthwise conv of x [batch, h, width, c] with w [kh, kw, c, 1] (multiplier 1, no bias); y overwritten. */
  depthwiseForward(y: number, x: number, w: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void
  /** Gradients of depthwiseForward for dy [batch, oh, ow, c]: dw [kh, kw, c, 1] overwritten; dx [batch, h, width, c] overwritten unless dx is 0. */
  depthwiseBackward(dx: number, dw: number, dy: number, x: number, w: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void

  /**
   * BatchNormalization training step on x, y [rows, c]: y = (x - mean) * invStd * gamma + beta (gamma/beta 0 when off); mean, invStd [c] overwritten
   * (biased variance, as tf.moments); movingMean/movingVar updated in place as tfjs-layers: moving -= (moving - batch) * (1 - momentum).
   */
  batchNormTrainForward(y: number, x: number, gamma: number, beta: number, mean: number, invStd: number, movingMean: number, movingVar: number, rows: number, c: number, epsilon: number, momentum: number): void
  /** Gradient through the batch statistics: dx [rows, c] overwritten; dgamma = sum(dy * xhat), dbeta = sum(dy) [c] overwritten when non-zero (faster with both). gamma 0 = ones. */
  batchNormBackward(dx: number, dgamma: number, dbeta: number, dy: number, x: number, mean: number, invStd: number, gamma: number, rows: number, c: number): void

  /** y = activation(x) for n floats, y overwritten: kind 0 relu, 1 tfjs-layers' ReLU layer with maxValue (relu then clip to [0, maxValue]), 2 tf.relu6. */
  activationForward(y: number, x: number, n: number, kind: number, maxValue: number): void
  /** dx = dy where 0 < x <= top (top: none, maxValue, 6): tfjs's Relu, ClipByValue (inclusive) and Relu6 gradient rules; dx overwritten. */
  activationBackward(dx: number, dy: number, x: number, n: number, kind: number, maxValue: number): void
  /** y = a + b for n floats (the residual Add; y may alias a or b). */
  addForward(y: number, a: number, b: number, n: number): void

  /** y [batch, oh, ow, c] = max pooling of x [batch, h, width, c]; padding cells never count; y overwritten. */
  maxPoolForward(y: number, x: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void
  /** dx [batch, h, width, c] overwritten: each dy goes to the first max of its window in row-major order (tfjs cpu's tie rule); overlapping windows add. */
  maxPoolBackward(dx: number, dy: number, x: number, batch: number, h: number, width: number, c: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number): void
  /** y [batch, c] = mean of x [batch, hw, c] over its hw pixels; y overwritten. */
  globalAvgPoolForward(y: number, x: number, batch: number, hw: number, c: number): void
  /** dx [batch, hw, c] = dy [batch, c] / hw; dx overwritten. */
  globalAvgPoolBackward(dx: number, dy: number, batch: number, hw: number, c: number): void

  /**
   * Returns core's multiclass loss -mean(sum(labels * log(clip(softmax(logits), 1e-7, 1 - 1e-7)))) for [batch, classes] rows; probs = softmax
   * and dlogits = its gradient (zero through the clip outside its inclusive bounds, then softmax backward) overwritten.
   */
  softmaxCrossEntropy(probs: number, dlogits: number, logits: number, labels: number, batch: number, classes: number): number

  /**
   * One tf.train.adam step on w, m, v [n] in place. beta1Power/beta2Power = beta^t for this 1-based step t: tfjs's accBeta before the step,
   * kept as float32 (acc = fround(acc * fround(beta)) after each step). epsilon: pass 1e-7, the backend's, where tfjs's default is used.
   */
  adamUpdate(w: number, g: number, m: number, v: number, n: number, learningRate: number, beta1: number, beta2: number, epsilon: number, beta1Power: number, beta2Power: number): void
  /** One tf.train.momentum step (no Nesterov) in place: accum = accum * momentum + g; w -= learningRate * accum. */
  momentumUpdate(w: number, g: number, accum: number, n: number, learningRate: number, momentum: number): void
  /** One tf.train.sgd step in place: w -= learningRate * g. */
  sgdUpdate(w: number, g: number, n: number, learningRate: number): void
}
