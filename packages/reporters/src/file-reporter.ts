import { defineReporter, type ReporterFactory, type RunInfo } from '@prunekit/core'
import { join } from 'node:path'
import { z } from 'zod'
import type { ReportInput } from './report-input.js'
import { runMeta } from './run-meta.js'
import { trainingRecorder } from './training.js'
import { writeFileAtomic } from './write.js'

export interface FileReporterSpec<E extends z.ZodRawShape> {
  name: string
  description: string
  /** Default file name, relative to the run's out directory. */
  file: string
  /** Options besides `file`. */
  options?: E
  /** The file's content. `path` is where it goes; `files` are what earlier reporters wrote in this run. */
  render(input: ReportInput, options: { file: string } & z.output<z.ZodObject<E>>, where: { path: string; files: readonly string[] }): string | Promise<string>
}

/** A file reporter's factory; its options schema keeps the input type, so `OptionsInput` can read it. */
export type FileReporterFactory<E extends z.ZodRawShape> = ReporterFactory<{ file: string } & z.output<z.ZodObject<E>>> & {
  options: z.ZodType<{ file: string } & z.output<z.ZodObject<E>>, { file?: string } & z.input<z.ZodObject<E>>>
}

/** A reporter that writes one file when the run ends, atomically, from the run, its snapshots and steps. */
export function fileReporter<E extends z.ZodRawShape = {}>(spec: FileReporterSpec<E>): FileReporterFactory<E> {
  const options = z
    .object({
      file: z.string().min(1).default(spec.file).describe('File name, relative to the run\'s out directory'),
      ...(spec.options ?? ({} as E)),
    })
    .strict() as unknown as z.ZodType<{ file: string } & z.output<z.ZodObject<E>>, { file?: string } & z.input<z.ZodObject<E>>>
  return defineReporter({
    name: spec.name,
    description: spec.description,
    options,
    create(opts, ctx) {
      let run: RunInfo | undefined
      let startedAt = new Date()
      const training = trainingRecorder()
      return {
        onRunStart(info) {
          run = info
          startedAt = new Date()
        },
        onProgress: training.onProgress,
        onSnapshot: training.onSnapshot,
        async onRunEnd(result) {
          const path = join(ctx.out, opts.file)
          const input: ReportInput = { run, snapshots: result.snapshots, steps: result.steps, seconds: result.seconds, interrupted: result.interrupted, training: training.curves(), meta: runMeta(run, startedAt, result.seconds) }
          await writeFileAtomic(path, await spec.render(input, opts, { path, files: result.files }))
          return [path]
        },
      }
    },
  }) as FileReporterFactory<E>
}
