#!/usr/bin/env bash
# The GPU check: build llama.cpp with CUDA from llama-cpp-python's sdist, then measure
# Slice's engine on the starter model and Gemma 3 with GPU layers "Auto", beside llama.cpp's
# own llama-bench built from the same vendored llama.cpp; one JSON file of the results.
# Written for a lent GPU machine that reaches no package registry: the sdist, the models
# (and, if its Python lacks Slice's engine dependencies, a folder of wheels) are carried.
#
#   packaging/gpu_check.sh --sdist llama_cpp_python-0.3.36.tar.gz --out gpu-check.json \
#       [--backend cuda|cpu] [--cuda-arch 90] [--jobs N] [--work DIR] [--python PYTHON] \
#       [--wheelhouse DIR] [--engine DIR] [--quick] [--threads N] MODEL.gguf [MODEL.gguf ...]
#
#   --sdist FILE     llama-cpp-python's source (pip download --no-binary :all: --no-deps
#                    llama-cpp-python==0.3.36), or --source DIR: the same, unpacked
#   --backend        cuda (the default) or cpu: the same steps with a portable CPU build,
#                    to try the script where there is no GPU (docs/benchmarks.md)
#   --cuda-arch      CMAKE_CUDA_ARCHITECTURES (90: H100/H200); only what is given is built
#   --engine DIR     skip the build: a folder holding an already built llama_cpp package
#                    (then llama-bench runs only with --llama-bench PATH)
#   --wheelhouse DIR wheels of what the engine imports (numpy, jinja2, pydantic, gguf,
#                    platformdirs, diskcache, typing_extensions), installed offline into
#                    a venv when PYTHON lacks them
#   --quick          a short measurement (64 prompt tokens, 16 generated, one run)
#   --threads N      CPU threads for the engine and llama-bench (default: up to 8)
#
# The build: one CMake tree of vendor/llama.cpp, targets llama and llama-bench only; its
# shared libraries are copied into the sdist's llama_cpp/lib, which Slice's engine imports
# through SLICE_ENGINE_PATH (the same way the tests run the Vulkan build).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
backend=cuda
cuda_arch=90
jobs=$(nproc 2>/dev/null || echo 4)
work=${TMPDIR:-/tmp}/slice-gpu-check
python=python3
sdist="" source="" out="" engine="" wheelhouse="" llama_bench="" quick=() threads=()
models=()

die() { echo "gpu_check: $*" >&2; exit 2; }
say() { printf '==> %s\n' "$*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --sdist) sdist=$2; shift 2 ;;
    --source) source=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --cuda-arch) cuda_arch=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --wheelhouse) wheelhouse=$2; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    --llama-bench) llama_bench=$2; shift 2 ;;
    --quick) quick=(--prompt-tokens 64 --gen-tokens 16 --repeats 1); shift ;;
    --threads) threads=(--threads "$2"); shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) models+=("$1"); shift ;;
  esac
done

[ -n "$out" ] || die "--out FILE is required"
[ ${#models[@]} -gt 0 ] || die "name at least one GGUF model"
for model in "${models[@]}"; do
  [ -r "$model" ] || die "cannot read the model '$model'"
done
case "$backend" in cuda|cpu) ;; *) die "--backend is cuda or cpu, not '$backend'" ;; esac
mkdir -p "$work"
work=$(cd "$work" && pwd)
out=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")

# --- The build: llama.cpp's libraries and llama-bench, one CMake tree ------------------
if [ -z "$engine" ]; then
  if [ -n "$sdist" ]; then
    [ -r "$sdist" ] || die "cannot read the sdist '$sdist'"
    source=$work/src
    if [ ! -f "$source/vendor/llama.cpp/CMakeLists.txt" ]; then
      say "Unpacking $(basename "$sdist")"
      rm -rf "$source" && mkdir -p "$source"
      tar -xzf "$sdist" -C "$source" --strip-components=1
    fi
  fi
  [ -n "$source" ] || die "give --sdist FILE, --source DIR or --engine DIR"
  [ -f "$source/vendor/llama.cpp/CMakeLists.txt" ] || die "'$source' is not llama-cpp-python's source"
  [ -f "$source/llama_cpp/__init__.py" ] || die "'$source' holds no llama_cpp package"
  command -v cmake >/dev/null || die "cmake is needed to build llama.cpp"
  flags=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_CURL=OFF
         -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF
         -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_APP=OFF -DGGML_NATIVE=OFF
         -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON)
  if [ "$backend" = cuda ]; then
    command -v nvcc >/dev/null || die "nvcc (the CUDA toolkit) is needed for --backend cuda"
    flags+=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$cuda_arch")
  elif [ "$(uname -m)" = x86_64 ]; then
    # The portable CPU flags of scripts/setup.sh.
    flags+=(-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
            -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF)
  fi
  build=$work/build-$backend
  arch_note=""
  [ "$backend" != cuda ] || arch_note=", CUDA architectures $cuda_arch"
  say "Configuring llama.cpp ($backend$arch_note)"
  start=$(date +%s)
  cmake -S "$source/vendor/llama.cpp" -B "$build" "${flags[@]}" >"$work/cmake-$backend.log" 2>&1 \
    || { tail -n 30 "$work/cmake-$backend.log" >&2; die "CMake failed; log: $work/cmake-$backend.log"; }
  say "Building libllama and llama-bench with $jobs jobs"
  cmake --build "$build" --target llama llama-bench -j "$jobs" >>"$work/cmake-$backend.log" 2>&1 \
    || { tail -n 30 "$work/cmake-$backend.log" >&2; die "the build failed; log: $work/cmake-$backend.log"; }
  say "Built in $(( $(date +%s) - start )) s"
  mkdir -p "$source/llama_cpp/lib"
  find "$build/bin" -maxdepth 1 -name 'lib*.so*' -exec cp -P {} "$source/llama_cpp/lib/" \;
  engine=$source
  llama_bench=${llama_bench:-$build/bin/llama-bench}
fi
[ -f "$engine/llama_cpp/__init__.py" ] || die "'$engine' holds no llama_cpp package"

# --- Python: the one given, or a venv from the carried wheels ---------------------------
needs="import numpy, jinja2, pydantic, gguf, platformdirs, diskcache, typing_extensions"
if ! "$python" -c "$needs" 2>/dev/null; then
  [ -n "$wheelhouse" ] || die "$python lacks Slice's engine dependencies; carry wheels and give --wheelhouse DIR"
  if [ ! -x "$work/venv/bin/python" ]; then
    say "Installing the engine's dependencies from $wheelhouse (offline)"
    "$python" -m venv "$work/venv"
    "$work/venv/bin/python" -m pip install -q --no-index --find-links "$wheelhouse" \
      numpy jinja2 pydantic gguf platformdirs diskcache typing_extensions
  fi
  python=$work/venv/bin/python
fi

# --- The measurements --------------------------------------------------------------------
bench_args=()
[ -z "$llama_bench" ] || bench_args=(--llama-bench "$llama_bench")
say "Measuring ${#models[@]} model(s) on the $backend build"
SLICE_ENGINE_PATH=$engine SLICE_HOME=$work/home LD_LIBRARY_PATH=$engine/llama_cpp/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
  "$python" "$root/packaging/gpu_check.py" --backend "$backend" --out "$out" \
  "${bench_args[@]}" "${quick[@]}" "${threads[@]}" "${models[@]}"
