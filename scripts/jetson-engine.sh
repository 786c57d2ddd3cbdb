#!/usr/bin/env bash
# Builds a TensorRT engine for MODEL.onnx on this device with trtexec (fp16 by default, the model's
# shapes, a bounded workspace) and wraps it as an onnxruntime EPContext model beside it, so
# gc-serve / gc-bench start from the prebuilt engine instead of building one at every start (the
# stock onnxruntime-node binding forwards no engine-cache option). The engine's precision, TensorRT
# version and GPU compute capability go into the EPContext model's metadata; at load a mismatch
# falls back to MODEL.onnx with the reason recorded (docs/gpu.md).
#   bash scripts/jetson-engine.sh MODEL.onnx [--fp32] [--workspace MIB] [--trtexec PATH]
# Writes MODEL.<precision>.engine and MODEL_ctx.onnx next to MODEL.onnx. Run it on the device that
# serves: engines are tied to the TensorRT version and the GPU.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
model=${1:?usage: jetson-engine.sh MODEL.onnx [--fp32] [--workspace MIB] [--trtexec PATH]}
shift
precision=fp16
workspace=1024
trtexec=${TRTEXEC:-}
while [ $# -gt 0 ]; do
  case $1 in
    --fp32) precision=fp32 ;;
    --fp16) precision=fp16 ;;
    --workspace) workspace=$2; shift ;;
    --trtexec) trtexec=$2; shift ;;
    *) echo "jetson-engine.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$trtexec" ]; then
  trtexec=$(command -v trtexec || true)
  [ -z "$trtexec" ] && [ -x /usr/src/tensorrt/bin/trtexec ] && trtexec=/usr/src/tensorrt/bin/trtexec
fi
if [ -z "$trtexec" ]; then
  echo "jetson-engine.sh: no trtexec (JetPack puts it in /usr/src/tensorrt/bin; or pass --trtexec PATH)" >&2
  exit 1
fi
base=${model%.onnx}
engine=$base.$precision.engine
# The input shapes for a model with symbolic dims (at the contract's default size, batch 1); none for a
# static model (trtexec refuses --shapes there: the model fixes them).
shapes=$(node -e '
const fs = require("fs");
const { decodeModel, readContract, withExportShape, resolveInputShapes } = require(process.argv[1] + "/packages/core/dist");
const m = decodeModel(fs.readFileSync(process.argv[2]), process.argv[2]);
const c = readContract(m, process.argv[2]);
const given = {};
for (const i of m.graph.inputs) {
  const d = c && c.inputs.find((t) => t.name === i.name);
  const size = d && (d.size.fixed || d.defaultSize);
  if (size && typeof i.shape[2] === "string") given[i.shape[2]] = size.height;
  if (size && typeof i.shape[3] === "string") given[i.shape[3]] = size.width;
  if (typeof i.shape[0] === "string") given[i.shape[0]] = 1;
}
const s = resolveInputShapes(m.graph.inputs, withExportShape(m, given));
const dynamic = m.graph.inputs.some((i) => i.shape.some((d) => typeof d === "string"));
console.log(dynamic ? [...s].map(([k, v]) => k + ":" + v.join("x")).join(",") : "");
' "$here" "$model")
flags=(--onnx="$model" --saveEngine="$engine" --memPoolSize=workspace:"${workspace}M")
[ -n "$shapes" ] && flags+=(--shapes="$shapes")
[ "$precision" = fp16 ] && flags+=(--fp16)
echo "jetson-engine: $trtexec ${flags[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$trtexec" "${flags[@]}" >"$log" 2>&1 || { tail -20 "$log" >&2; echo "jetson-engine.sh: trtexec failed" >&2; exit 1; }
# "[I] TensorRT version: 8.5.2" (trtexec prints it in its first lines); else the library's file name.
version=$(sed -n 's/.*TensorRT version: *\([0-9.]*\).*/\1/p' "$log" | head -1)
if [ -z "$version" ]; then
  version=$(node -e 'console.log(require(process.argv[1] + "/packages/runtime/dist").engineHost().tensorrtVersion || "")' "$here")
fi
arch=${GC_EDGE_GPU_ARCH:-$(node -e 'console.log(require(process.argv[1] + "/packages/runtime/dist").engineHost().hardwareArchitecture || "")' "$here")}
[ -n "$version" ] || { echo "jetson-engine.sh: cannot tell the TensorRT version (set GC_EDGE_TENSORRT_VERSION)" >&2; exit 1; }
[ -n "$arch" ] || { echo "jetson-engine.sh: cannot tell the GPU's compute capability (set GC_EDGE_GPU_ARCH, e.g. 72 on Xavier)" >&2; exit 1; }
node "$here/scripts/wrap-engine.js" "$model" "$engine" --precision "$precision" --tensorrt-version "$version" --arch "$arch" -o "${base}_ctx.onnx"
echo "jetson-engine: serve it with a ${precision} profile, e.g. npx gc-serve ${base}_ctx.onnx --device <a profile with \"precision\": \"${precision}\">"
