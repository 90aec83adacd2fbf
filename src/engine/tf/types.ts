import type * as tfjs from '@tensorflow/tfjs';

/**
 * The TensorFlow.js namespace the engine computes with. It is passed around rather
 * than imported, because with tfjs-node(-gpu) installed the engine must use the tfjs
 * instance that came with that package (see backend.ts).
 */
export type TF = typeof tfjs;
export type Tensor = tfjs.Tensor;
export type Tensor1D = tfjs.Tensor1D;
export type Tensor2D = tfjs.Tensor2D;
export type Scalar = tfjs.Scalar;
export type Variable = tfjs.Variable;
