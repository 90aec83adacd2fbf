/**
 * tokenizer.json beside model.onnx: what a consumer outside the engine needs to turn
 * the graph's codes into the engine's semantic IDs (levels, code sizes, the digit rule)
 * and, for runs trained on tf-idf features, to make those features from text.
 */
import type { RqVaeShape } from '../model/rqvae';
import { ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT } from './onnxGraph';
import type { TfidfFeaturizerSidecar } from './tfidfSidecar';

export const TOKENIZER_FORMAT = 'semid-tokenizer-1';

export interface TokenizerSidecar {
  format: typeof TOKENIZER_FORMAT;
  model: { file: string; opset: number; input: string; output: string };
  /** D: columns of the graph's float32 input. */
  inputDim: number;
  levels: number;
  codebookSizes: number[];
  latentDim: number;
  encoder: number[];
  assignment: string;
  /** The digit appended as the (L+1)-th element of every semantic ID. */
  digit: { rule: 'collision'; description: string };
  /** Present when the model has a fused co-occurrence input; the graph feeds it zeros. */
  fused: { inputDim: number; description: string } | null;
  /** How the input rows were made during training. */
  features: { method: 'embeddings'; embeddingDim: number } | TfidfFeaturizerSidecar;
  run: { id: string; experiment: string; idField: string };
}

export const DIGIT_RULE =
  'Items sharing the same L codes get 0, 1, 2, ... in catalog order (a stable sort by the code tuple). ' +
  'Items added to an existing catalog get the next free digit after the existing items with their tuple ' +
  '(the largest existing digit + 1), new items among themselves in the order given.';

export const ASSIGNMENT_RULE =
  'z = encoder(x); per level l: d_k = ||e_k||^2 - 2 r.e_k (float32), c_l = the first k with the least d_k, r <- r - e_{c_l}.';

export function tokenizerSidecar(
  shape: RqVaeShape,
  modelFile: string,
  features: TokenizerSidecar['features'],
  run: TokenizerSidecar['run'],
): TokenizerSidecar {
  return {
    format: TOKENIZER_FORMAT,
    model: { file: modelFile, opset: ONNX_OPSET, input: ONNX_INPUT, output: ONNX_OUTPUT },
    inputDim: shape.inputDim,
    levels: shape.codebookSizes.length,
    codebookSizes: shape.codebookSizes.slice(),
    latentDim: shape.latentDim,
    encoder: shape.encoder.slice(),
    assignment: ASSIGNMENT_RULE,
    digit: { rule: 'collision', description: DIGIT_RULE },
    fused: shape.fuse
      ? {
          inputDim: shape.fuse.inputDim,
          description: 'The model was trained with a fused co-occurrence input; the graph feeds it zeros, as `semid ids` does for new items. The run\'s own items keep the IDs in its semantic_ids.jsonl.',
        }
      : null,
    features,
    run,
  };
}
