/** Matrix products, convolutions and Dense layers (asm/matrix*.ts, asm/conv*.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MatrixKernels {}
