/** Matrix products, convolutions and Dense layers (asm/matrix*.ts, asm/conv*.ts). */
export interface MatrixKernels {
  denseForward(y: number, x: number, w: number, bias: number, batch: number, inputs: number, units: number): void
  denseBackward(dx: number, dw: number, db: number, dy: number, x: number, w: number, batch: number, inputs: number, units: number): void
  conv2dForward(y: number, x: number, w: number, bias: number, col: number, batch: number, h: number, width: number, cin: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number, cout: number): void
  conv2dBackward(dx: number, dw: number, db: number, dy: number, x: number, w: number, col: number, dcol: number, batch: number, h: number, width: number, cin: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, oh: number, ow: number, cout: number): void
}
