/** Per-layer kernels other than matrix products (asm/layers*.ts): depthwise, BatchNorm, activations, pooling, loss, optimizers. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LayerKernels {}
