/**
 * The trained encoder and residual quantizer as one ONNX graph (opset 17): float32
 * embeddings [N, D] in, int64 codes [N, L] out. Serialized with onnx-proto (protobufjs
 * classes generated from ONNX's own onnx.proto).
 *
 * Every step mirrors the engine's assignment (RqVae.assign -> assignCodes) op for op,
 * so the float32 arithmetic is the same up to the kernels' summation order:
 *   encoder layer:  h = relu(h · W + b)          (linear on the last layer)
 *   fused input:    z += E_fuse(0)               (as `semid ids` does for new items)
 *   level l:        d = ||e||² - 2 r·eᵀ         (the constant ||r||² is left out, as in the engine)
 *                   c_l = argmin_k d             (first index on ties, like tf.argMin)
 *                   r  = r - e[c_l]
 */
import { onnx } from 'onnx-proto';
import type { RqVaeShape } from '../model/rqvae';

export const ONNX_OPSET = 17;
export const ONNX_INPUT = 'embeddings';
export const ONNX_OUTPUT = 'codes';

/** The float32 parameters the graph needs, by the engine's variable names. */
export type WeightOf = (name: string, shape: number[]) => Float32Array;

export interface OnnxGraphOptions {
  producerVersion: string;
  /** Written into the model's doc string (run id, experiment name). */
  description: string;
}

export function buildTokenizerOnnx(shape: RqVaeShape, weightOf: WeightOf, options: OnnxGraphOptions): Uint8Array {
  const g = new GraphBuilder();
  const sizes = [shape.inputDim, ...shape.encoder, shape.latentDim];
  let z = mlp(g, 'encoder', sizes, ONNX_INPUT, weightOf);

  if (shape.fuse) {
    // A zero fused part per row, [N, fuseDim], through the fused encoder, added to z.
    const rows = g.node('Slice', [g.node('Shape', [ONNX_INPUT]), g.int64('start0', [0]), g.int64('end1', [1])]);
    const dims = g.node('Concat', [rows, g.int64('fuse_dim', [shape.fuse.inputDim])], { axis: 0 });
    const zeros = g.node('ConstantOfShape', [dims], { value: floatTensor('zero', [1], Float32Array.of(0)) });
    const fused = mlp(g, 'fuse', [shape.fuse.inputDim, ...shape.fuse.encoder, shape.latentDim], zeros, weightOf);
    z = g.node('Add', [z, fused]);
  }

  const two = g.float('two', [], Float32Array.of(2));
  const flat = g.int64('flat', [-1]);
  const levelCodes: string[] = [];
  let residual = z;
  shape.codebookSizes.forEach((k, l) => {
    const codebook = weightOf(`codebook/${l}`, [k, shape.latentDim]);
    const e = g.float(`codebook_${l}`, [k, shape.latentDim], codebook);
    const eT = g.float(`codebook_${l}_T`, [shape.latentDim, k], transpose(codebook, k, shape.latentDim));
    const eNorm = g.node('ReduceSumSquare', [e], { axes: [1], keepdims: 0 });
    const cross = g.node('MatMul', [residual, eT]);
    const distances = g.node('Sub', [eNorm, g.node('Mul', [cross, two])]);
    const codes = g.node('ArgMin', [distances], { axis: 1, keepdims: 1, select_last_index: 0 });
    levelCodes.push(codes);
    if (l + 1 < shape.codebookSizes.length) {
      const chosen = g.node('Gather', [e, g.node('Reshape', [codes, flat])], { axis: 0 });
      residual = g.node('Sub', [residual, chosen]);
    }
  });
  g.node('Concat', levelCodes, { axis: 1 }, ONNX_OUTPUT);

  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'semid',
    producerVersion: options.producerVersion,
    docString: options.description,
    graph: {
      name: 'semid_tokenizer',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(ONNX_INPUT, onnx.TensorProto.DataType.FLOAT, ['N', shape.inputDim])],
      output: [valueInfo(ONNX_OUTPUT, onnx.TensorProto.DataType.INT64, ['N', shape.codebookSizes.length])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Dense layers [in, ..., out], relu between them, linear output (mlp.ts). */
function mlp(g: GraphBuilder, prefix: string, sizes: number[], input: string, weightOf: WeightOf): string {
  let h = input;
  const layers = sizes.length - 1;
  for (let i = 0; i < layers; i++) {
    const w = g.float(`${prefix}_w${i}`, [sizes[i], sizes[i + 1]], weightOf(`${prefix}/w${i}`, [sizes[i], sizes[i + 1]]));
    const b = g.float(`${prefix}_b${i}`, [sizes[i + 1]], weightOf(`${prefix}/b${i}`, [sizes[i + 1]]));
    h = g.node('Add', [g.node('MatMul', [h, w]), b]);
    if (i + 1 < layers) h = g.node('Relu', [h]);
  }
  return h;
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j];
  return out;
}

type AttributeValue = number | number[] | onnx.ITensorProto;

/** Nodes with generated output names, and initializers, in the order they are added. */
class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private counter = 0;

  node(op: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    const name = output ?? `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ opType: op, name: `${name}_node`, input: inputs, output: [name], attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
    return name;
  }

  float(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  int64(name: string, values: number[]): string {
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: bytesOf(raw) });
    return name;
  }
}

function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(values) };
}

/** Little-endian bytes (ONNX raw_data's byte order; every platform Node runs on is little-endian). */
function bytesOf(values: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.TENSOR, t: value };
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}
