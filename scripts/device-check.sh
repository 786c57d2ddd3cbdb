#!/usr/bin/env bash
# The GPU device check: on a machine with an NVIDIA GPU, installs onnxruntime-node's CUDA/TensorRT
# provider libraries (from a carried folder: the device has no registry access), exports the model
# in fp32 (and fp16 where this gc-export has --precision), runs gc-bench latency on TensorRT, CUDA,
# WebGPU and the CPU with placement (kernels per provider), gc-bench accuracy of each against the
# CPU fp32 result, tries onnxruntime's EP-context dump through session config entries, and prints
# one table. What to carry and what each row means: docs/gpu.md.
#   bash scripts/device-check.sh [--dry-run] [--subnet SUBNET.json] [--out DIR]
# --dry-run: CPU-only and quick (1 timed run; no library install): the GPU rows show the fallback
# and its reason. It is what the test runs; on the device run it without.
#   GC_EDGE_ORT_GPU_LIBS  folder with libonnxruntime_providers_{shared,cuda,tensorrt}.so of
#                         Microsoft.ML.OnnxRuntime.Gpu.Linux (runtimes/linux-x64/native/), same version as onnxruntime-node
#   GC_EDGE_CUDA_LIBS     folder(s, :-separated) with the CUDA 12 runtime, cuBLAS, cuFFT, cuDNN 9 and TensorRT 10 libraries
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dry=0
subnet=$here/examples/edges2shapes/subnet.json
out=
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=1 ;;
    --subnet) subnet=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "device-check.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$out" ] || out=$(mktemp -d)
mkdir -p "$out"
export GC_EDGE_LOG_LEVEL=${GC_EDGE_LOG_LEVEL:-error}
export NO_COLOR=1
ort=$(node -p 'require("path").dirname(require.resolve("onnxruntime-node/package.json", { paths: [process.argv[1]] }))' "$here")
bin=$ort/bin/napi-v6/linux/x64
say() { echo "device-check: $*" >&2; }

# 1. GPU provider libraries (not in the npm package: its install script fetches them from NuGet).
if [ "$dry" = 1 ]; then
  say "dry run: no provider libraries installed, GPU profiles fall back to CPU"
elif [ -e "$bin/libonnxruntime_providers_cuda.so" ]; then
  say "provider libraries already in $bin"
elif [ -n "${GC_EDGE_ORT_GPU_LIBS:-}" ]; then
  cp "$GC_EDGE_ORT_GPU_LIBS"/libonnxruntime_providers_{shared,cuda,tensorrt}.so "$bin/"
  say "copied the provider libraries from $GC_EDGE_ORT_GPU_LIBS"
else
  say "no GC_EDGE_ORT_GPU_LIBS: trying onnxruntime-node's installer (needs api.nuget.org)"
  (cd "$ort" && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js) || say "install failed: TensorRT/CUDA rows will show the fallback"
fi
[ -n "${GC_EDGE_CUDA_LIBS:-}" ] && export LD_LIBRARY_PATH=$GC_EDGE_CUDA_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
if [ "$dry" = 0 ] && command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader >&2 || true
fi

# 2. Exports: fp32, and fp16 when this gc-export has --precision (the fp16 branch adds it).
gc_export() { node "$here/packages/exporter/bin/gc-export.js" "$@"; }
gc_bench() { node "$here/packages/bench/bin/gc-bench.js" "$@"; }
gc_export "$subnet" -o "$out/fp32.onnx" -q
models=(fp32)
if gc_export --help 2>&1 | grep -q -- '--precision'; then
  gc_export "$subnet" -o "$out/fp16.onnx" --precision fp16 -q && models+=(fp16)
else
  say "this gc-export has no --precision: fp16 row skipped"
fi

# 3. Profiles: each GPU provider on its own (then CPU), so every row says what that provider does.
for p in tensorrt cuda webgpu; do
  node -e '
const [p, file] = process.argv.slice(1);
const options = p === "webgpu" ? undefined : { deviceId: 0 };
fs.writeFileSync(file, JSON.stringify({ name: p + " then cpu (device check)", architecture: "any",
  executionProviders: [{ name: p, ...(options ? { options } : {}) }, { name: "cpu" }],
  threads: { intraOp: 0, interOp: 1 }, precision: "fp32", graphOptimizationLevel: "all", setup: ["written by scripts/device-check.sh"] }));
' "$p" "$out/profile-$p.json"
done
quick=(--warmup 10 --min-iterations 100 --min-duration 3)
[ "$dry" = 1 ] && quick=(--warmup 0 --warmup-seconds 0 --min-iterations 1 --min-duration 0)

# 4. Latency with placement, and accuracy against the CPU fp32 result, for every model and target.
for m in "${models[@]}"; do
  for t in cpu tensorrt cuda webgpu; do
    dev=cpu
    [ "$t" != cpu ] && dev=$out/profile-$t.json
    say "$m on $t"
    gc_bench latency "$out/$m.onnx" --device "$dev" "${quick[@]}" -q --json "$out/$m.$t.latency.json"
    if [ "$m" = fp32 ] && [ "$t" = cpu ]; then continue; fi
    gc_bench accuracy "$out/fp32.onnx" "$out/$m.onnx" --device "$dev" --against cpu -q --json "$out/$m.$t.accuracy.json"
  done
done

# 5. Does onnxruntime's EP-context dump (session config ep.context_*) reach TensorRT from Node?
node -e '
const ort = require(require.resolve("onnxruntime-node", { paths: [process.argv[1]] }));
ort.env.logLevel = "fatal";
const [model, ctx] = process.argv.slice(2);
ort.InferenceSession.create(model, {
  executionProviders: [{ name: "tensorrt", deviceId: 0 }],
  extra: { ep: { context_enable: "1", context_file_path: ctx, context_embed_mode: "0" } },
}).then(
  (s) => {
    const dumped = require("fs").existsSync(ctx) ? "dumped " + ctx : "no EPContext model written";
    console.error(`device-check: ep.context_enable through sessionOptions.extra: ${dumped}`);
    return s.release();
  },
  (e) => console.error(`device-check: ep.context_enable not tried: TensorRT did not load (${e.message.split("\n")[0].slice(0, 160)})`),
);
' "$here" "$out/fp32.onnx" "$out/fp32_ctx.onnx"

# 6. The table.
node "$here/scripts/lib/device-table.js" "$out"
