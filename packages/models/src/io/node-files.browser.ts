// What bundlers load for node-files.ts under the "browser" condition: no node:fs or node:path in the bundle.
import { ModelError } from '@prunekit/core'
import type * as tf from '@tensorflow/tfjs-core'

const noFiles = (path: string): ModelError =>
  new ModelError(
    `${path}: a browser has no file system. Load a model from a URL (loadModel('https://.../model.json')) or from memory (tf.io.fromMemory), and save it with tf.io.browserDownloads.`,
  )

export async function modelJsonPath(path: string): Promise<string> {
  throw noFiles(path)
}

export async function readModelArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  throw noFiles(path)
}

export async function writeModelArtifacts(dir: string): Promise<tf.io.SaveResult> {
  throw noFiles(dir)
}
