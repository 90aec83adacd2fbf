async function main() {
  const { initBackend } = require('/work/main/src/engine/tf/backend');
  const A = require('/work/main/src/engine/model/rqvae'); const B = require('/tmp/semid/base/src/engine/model/rqvae');
  const { Random } = require('/work/main/src/engine/util/random');
  const { tf } = await initBackend(process.argv[2] ?? 'wasm', null);
  const mk = (M: any) => { const r = new Random(7); const d = new Float32Array(64 * 32); for (let i = 0; i < d.length; i++) d[i] = r.normal(); return { m: new M.RqVae(tf, { inputDim: 32, encoder: [16], latentDim: 8, codebookSizes: [8, 8] }, r), d }; };
  const a = mk(A), b = mk(B);
  const names = a.m.namedVariables().map((v: any) => v.name);
  const g = (o: any) => { const vars = o.m.variables(); const x = tf.tensor2d(o.d, [64, 32]); const r = tf.variableGrads(() => o.m.forward(x, 0.25).total.reshape([]), vars); return vars.map((v: any) => r.grads[v.name]); };
  const ga = g(a), gb = g(b);
  names.forEach((n: string, i: number) => console.log(n, tf.max(tf.abs(tf.sub(ga[i], gb[i]))).dataSync()[0].toExponential(2), tf.max(tf.abs(gb[i])).dataSync()[0].toExponential(2)));
}
main();
