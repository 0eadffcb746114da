// Optimizer steps, op for op as tfjs 4.22's adam, momentum and sgd optimizers compute them in float32
// (hyperparameters arrive as JavaScript numbers, rounded to float32 where tfjs makes scalars of them).

/**
 * One Adam step on n weights: m = m * beta1 + g * (1 - beta1); v = v * beta2 + g^2 * (1 - beta2);
 * w += -lr * (m / (1 - beta1Power)) / (sqrt(v / (1 - beta2Power)) + epsilon). beta1Power is beta1^t for
 * this step t (1-based), as tfjs's accBeta1 holds it before the step.
 */
export function adamUpdate(
  w: usize, g: usize, m: usize, v: usize, n: i32,
  learningRate: f64, beta1: f64, beta2: f64, epsilon: f64, beta1Power: f64, beta2Power: f64,
): void {
  const b1 = <f32>beta1
  const b2 = <f32>beta2
  const keep1 = <f32>(1 - beta1)
  const keep2 = <f32>(1 - beta2)
  const correction1 = <f32>(1 - <f64><f32>beta1Power)
  const correction2 = <f32>(1 - <f64><f32>beta2Power)
  const eps = <f32>epsilon
  const step = <f32>-learningRate
  const bytes = (<usize>n) << 2
  const vectorEnd = (<usize>(n & ~3)) << 2
  let o: usize = 0
  for (; o < vectorEnd; o += 16) {
    const grad = v128.load(g + o)
    const first = f32x4.add(f32x4.mul(v128.load(m + o), f32x4.splat(b1)), f32x4.mul(grad, f32x4.splat(keep1)))
    const second = f32x4.add(f32x4.mul(v128.load(v + o), f32x4.splat(b2)), f32x4.mul(f32x4.mul(grad, grad), f32x4.splat(keep2)))
    v128.store(m + o, first)
    v128.store(v + o, second)
    const denominator = f32x4.add(f32x4.sqrt(f32x4.div(second, f32x4.splat(correction2))), f32x4.splat(eps))
    const delta = f32x4.mul(f32x4.div(f32x4.div(first, f32x4.splat(correction1)), denominator), f32x4.splat(step))
    v128.store(w + o, f32x4.add(delta, v128.load(w + o)))
  }
  for (; o < bytes; o += 4) {
    const grad = load<f32>(g + o)
    const first = load<f32>(m + o) * b1 + grad * keep1
    const second = load<f32>(v + o) * b2 + grad * grad * keep2
    store<f32>(m + o, first)
    store<f32>(v + o, second)
    store<f32>(w + o, (first / correction1 / (Mathf.sqrt(second / correction2) + eps)) * step + load<f32>(w + o))
  }
}

/** One momentum step (no Nesterov): accum = accum * momentum + g; w += -lr * accum. */
export function momentumUpdate(w: usize, g: usize, accum: usize, n: i32, learningRate: f64, momentum: f64): void {
  const mu = <f32>momentum
  const step = <f32>-learningRate
  const bytes = (<usize>n) << 2
  const vectorEnd = (<usize>(n & ~3)) << 2
  let o: usize = 0
  for (; o < vectorEnd; o += 16) {
    const next = f32x4.add(f32x4.mul(f32x4.splat(mu), v128.load(accum + o)), v128.load(g + o))
    v128.store(accum + o, next)
    v128.store(w + o, f32x4.add(f32x4.mul(f32x4.splat(step), next), v128.load(w + o)))
  }
  for (; o < bytes; o += 4) {
    const next = mu * load<f32>(accum + o) + load<f32>(g + o)
    store<f32>(accum + o, next)
    store<f32>(w + o, step * next + load<f32>(w + o))
  }
}

/** One plain gradient step: w += -lr * g. */
export function sgdUpdate(w: usize, g: usize, n: i32, learningRate: f64): void {
  const step = <f32>-learningRate
  const bytes = (<usize>n) << 2
  const vectorEnd = (<usize>(n & ~3)) << 2
  let o: usize = 0
  for (; o < vectorEnd; o += 16) v128.store(w + o, f32x4.add(f32x4.mul(f32x4.splat(step), v128.load(g + o)), v128.load(w + o)))
  for (; o < bytes; o += 4) store<f32>(w + o, step * load<f32>(g + o) + load<f32>(w + o))
}
