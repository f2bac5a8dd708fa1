#!/usr/bin/env bash
# gpu-check.sh -- device check for shapelint on a machine with an NVIDIA GPU.
#
# Meant for a GPU machine whose `python3` already has torch built with CUDA
# (and pytest) installed, possibly with no network access. It prints the GPU
# and the python/torch/CUDA/cuDNN versions, makes shapelint importable, runs
# `shapelint verify --device all` (every reference model, buggy, fixed and
# autofixed, through both halves and the behavioural checks, on the CPU and on
# CUDA, where the fixed ones must also agree with the CPU), then the
# CUDA-marked tests (the torch behaviours the static rules rely on, the checks
# and verify on cuDNN). About a minute on an H200.
#
# Without network access, missing packages (libcst, beartype) are taken from
# wheels in .whl/ if that folder exists (see README, "GPU check").
#
# Exit status: non-zero if verify or a test fails; on a machine without a GPU
# the CUDA column and the cuda tests skip and the script exits 0 (pytest's 5,
# "no tests collected", also counts as success).
#
# Usage: bash scripts/gpu-check.sh    (from any directory)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

echo "== GPU"
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi -L || echo "nvidia-smi -L failed"
else
    echo "nvidia-smi not found"
fi

echo "== versions"
python3 - <<'PY' || echo "could not read torch versions (is torch installed for python3?)"
import sys
print("python:", sys.version.split()[0], "at", sys.executable)
import torch
print("torch:", torch.__version__)
print("CUDA (torch built with):", torch.version.cuda)
print("cuDNN:", torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None)
print("cuda available:", torch.cuda.is_available())
if torch.cuda.is_available():
    for i in range(torch.cuda.device_count()):
        print(f"device {i}:", torch.cuda.get_device_name(i))
PY

echo "== shapelint"
if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/shapelint-site .whl/*.whl \
        && export PYTHONPATH="/tmp/shapelint-site${PYTHONPATH:+:$PYTHONPATH}" \
        && echo "installed the wheels in .whl/: $(ls .whl | tr '\n' ' ')"
fi
# Check from outside the repo, so the checkout on the current directory does
# not make an uninstalled shapelint look importable.
if (cd / && python3 -c "import shapelint") >/dev/null 2>&1; then
    echo "shapelint already importable"
elif python3 -m pip install --no-deps --no-build-isolation -e .; then
    echo "installed shapelint (editable) from $ROOT"
else
    echo "pip install failed; using PYTHONPATH=$ROOT instead"
    export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
fi

echo "== shapelint verify --device all"
verify_rc=0
python3 -m shapelint verify --device all || verify_rc=$?

echo "== pytest (cuda tests)"
rc=0
python3 -m pytest -q -p no:cacheprovider -m cuda tests/test_torch_facts.py tests/test_checks.py tests/test_verify.py -rA || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "no tests collected (pytest exit 5): treated as success"
    rc=0
fi
echo "== verify exit $verify_rc, pytest exit $rc"
[ "$verify_rc" -eq 0 ] && [ "$rc" -eq 0 ]
