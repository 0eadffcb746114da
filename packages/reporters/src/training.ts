import type { ProgressEvent, Snapshot } from '@prunekit/core'

/** The training loss of one fit (a train or finetune step, or one round inside a step such as iterate), epoch by epoch. */
export interface TrainingCurve {
  /** 0-based index of the pipeline step that trained. */
  step: number
  /** The step's name: train, finetune, iterate ... */
  stepName: string
  /** The step's name; for a fit that a snapshot of the same step follows (a lottery-ticket round), that snapshot's label. */
  label: string
  /** A control run (iterate's `<label>-N-reinit`): drawn as its own, dashed series beside its ticket. */
  control: boolean
  /** Mean training loss of each epoch (accuracy is not measured while training). */
  epochs: Array<{ epoch: number; loss: number }>
}

/** iterate names the control of round N `<label>-N-reinit` (Frankle & Carbin's random re-initialisation). */
export const isControlLabel = (label: string): boolean => /-reinit$/.test(label)

/**
 * Collects training curves from a run's events: a new curve starts when a step begins training,
 * when its epoch count restarts, or after a snapshot closed the previous one.
 */
export function trainingRecorder(): { onProgress(p: ProgressEvent): void; onSnapshot(s: Snapshot): void; curves(): TrainingCurve[] } {
  const curves: TrainingCurve[] = []
  let open: TrainingCurve | undefined
  return {
    onProgress(p) {
      const lastEpoch = open?.epochs.at(-1)?.epoch ?? 0
      if (!open || open.step !== p.step.index || p.epoch < lastEpoch || (p.epoch === 1 && p.batch === 1 && lastEpoch > 0)) {
        open = { step: p.step.index, stepName: p.step.name, label: p.step.name, control: false, epochs: [] }
        curves.push(open)
      }
      if (p.loss !== undefined) open.epochs.push({ epoch: p.epoch, loss: p.loss })
    },
    onSnapshot(snapshot) {
      if (!open || open.step !== snapshot.step) return
      open.label = snapshot.label
      open.control = isControlLabel(snapshot.label)
      open = undefined
    },
    curves: () => curves.filter((c) => c.epochs.length > 0),
  }
}
