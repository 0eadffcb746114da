import { z } from 'zod'

/** The hidden-layer activations the zoo builders accept. */
export const activationNames = ['relu', 'tanh', 'sigmoid', 'elu', 'linear'] as const

export const activationSchema = z.enum(activationNames)

export type Activation = z.output<typeof activationSchema>
