// ONNX Runtime (onnxruntime-node) throughput: node bench_ort.js MODEL BATCH SECONDS THREADS C,H,W
// Prints "images_per_s X" (mean) and "best_images_per_s X" (fastest run), both in process CPU time
// (process.cpuUsage: user + system of all threads), like infer_bench and bench_torch.py. Equal intra-op threads to the whpc engine; sequential execution.
const ort = require('onnxruntime-node');

async function main() {
  const [model, batch, secs, threads, chw] = process.argv.slice(2);
  const dims = [Number(batch), ...chw.split(',').map(Number)];
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all'});
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let q = 0; q < n; ++q) data[q] = ((q * 2654435761) % 1000) / 1000;
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, dims)};
  await session.run(feeds); // warm-up
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  let runs = 0;
  const t0 = cpu();
  let t = 0, best = 1e30;
  do {
    const t1 = cpu();
    await session.run(feeds);
    best = Math.min(best, cpu() - t1);
    runs++;
    t = cpu() - t0;
  } while (t < Number(secs) || runs < 2);
  console.log(`images_per_s ${(runs * dims[0] / t).toFixed(3)}`);
  console.log(`best_images_per_s ${(dims[0] / best).toFixed(3)}`);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
