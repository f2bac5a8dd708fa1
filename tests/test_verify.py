"""`shapelint verify`: every buggy reference model is caught by both halves and fails a check;
every fixed one, by hand or by `--fix`, is clean and passes every check; the verdict can fail."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

from conftest import run_cli  # noqa: E402

from shapelint.reference import FAMILIES, Family, Sizes, Variant  # noqa: E402
from shapelint.verify import Row, verify  # noqa: E402
from shapelint.verify.outcome import AUTOFIXED, BUGGY, FIXED  # noqa: E402

# What each buggy reference model is flagged for: static codes, and runtime codes per size
# (None: the model raises, as the seed's view does).
CAUGHT = {
    "view_transpose_buggy": (("SHP101",), {"B=3 T=5": ("SHP501",), "B=4 T=4": ("SHP502",)}),
    "context_window_buggy": (("SHP103", "SHP301"), {"B=3 T=6": None, "B=5 T=6": None}),
    "context_window_reshape_buggy": (("SHP301",), {"B=3 T=6": None, "B=5 T=6": ("SHP503",)}),
    # batch == seq: the sizes cannot say which axes the view re-cut; a run one sample short shows it
    "flatten_time_major_buggy": (("SHP102",), {"B=3 T=5": ("SHP501",), "B=4 T=4": ("SHP501",)}),
    "bidir_last_state_buggy": (("SHP203",), {"B=3 T=5": ("SHP509",), "B=4 T=4": ("SHP509",)}),
    "bidir_last_state_sized_buggy": (("SHP203",), {"B=3 T=5": None, "B=4 T=4": None}),
    "unmasked_mean_buggy": (("SHP302",), {"B=3 T=5": ("SHP508",), "B=4 T=4": ("SHP508",)}),
    "seq2seq_buggy": (("SHP201",), {"B=3 T=5": ("SHP501",), "B=4 T=4": ("SHP501",)}),
}


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return verify(("cpu",))


def test_the_reference_set_covers_the_seed_pipelines_at_square_and_other_sizes() -> None:
    assert len(FAMILIES) == 6
    for family in FAMILIES:
        kinds = {variant.buggy for variant in family.variants}
        assert kinds == {True, False}, family.name
        assert any(s.batch != s.seq for s in family.sizes), family.name
        # where wrong code has the right shapes: batch == seq (the context window: batch == windows)
        assert any(s.batch in (s.seq, s.seq - 1) for s in family.sizes), family.name
        for variant in family.variants:
            assert variant.path.is_file(), variant.path


def test_every_row_is_as_its_kind_promises(rows: list[Row]) -> None:
    assert [f"{row.variant} {row.sizes}: {row.problems}" for row in rows if row.problems] == []
    assert {row.kind for row in rows} == {BUGGY, FIXED, AUTOFIXED}


def test_buggy_models_are_caught_for_what_they_are(rows: list[Row]) -> None:
    buggy = [row for row in rows if row.kind == BUGGY]
    assert {row.variant for row in buggy} == set(CAUGHT)
    for row in buggy:
        static, runtime = CAUGHT[row.variant]
        (run,) = row.runs
        assert row.static == static, row.variant
        expected = runtime[str(row.sizes)]
        if expected is None:
            assert run.raised is not None and run.runtime == (), row.variant
        else:
            assert run.runtime == expected, (row.variant, row.sizes, run.runtime_messages)
        assert any(cell.status in ("fail", "raises") for _, cell in run.checks), row.variant


def test_the_seed_view_raises_and_its_pack_mixes_samples_once_the_view_is_repaired(rows: list[Row]) -> None:
    seed = next(row for row in rows if row.variant == "context_window_buggy")
    assert "view size is not compatible with input tensor's size and stride" in str(seed.runs[0].raised)
    square = next(row for row in rows if row.variant == "context_window_reshape_buggy" and row.sizes.batch == 5)
    checks = dict(square.runs[0].checks)
    assert square.runs[0].raised is None and checks["batch independence"].status == "fail"
    assert "sample 0's output depends on sample" in checks["batch independence"].details[0]


def test_a_failed_batch_independence_says_where_samples_mix(rows: list[Row]) -> None:
    square = next(row for row in rows if row.variant == "view_transpose_buggy" and row.sizes.batch == row.sizes.seq)
    details = dict(square.runs[0].checks)["batch independence"].details
    where = [line for line in details if line.startswith("where: ")]
    assert where and where[0].startswith("where: shapelint/reference/models/view_transpose_buggy.py:21: SHP502 ")


def test_a_dropped_direction_fails_parameter_use_and_nothing_else(rows: list[Row]) -> None:
    row = next(row for row in rows if row.variant == "bidir_last_state_buggy")
    checks = dict(row.runs[0].checks)
    assert {name: cell.status for name, cell in checks.items()} == {
        "batch independence": "pass",
        "padding invariance": "pass",
        "reference equivalence": "pass",
        "parameter use": "fail",
    }
    assert "lstm.weight_ih_l0 gets no gradient" in checks["parameter use"].details[0]


def test_fixed_models_are_clean_and_pass_every_check(rows: list[Row]) -> None:
    fixed = [row for row in rows if row.kind == FIXED]
    assert len({row.variant for row in fixed}) == 8
    for row in fixed:
        (run,) = row.runs
        assert row.static == () and run.runtime == () and run.raised is None, row.variant
        assert all(cell.status == "pass" for _, cell in run.checks), (row.variant, run.checks)


def test_autofix_repairs_what_it_can_and_the_result_passes_every_check_that_applies(rows: list[Row]) -> None:
    autofixed = {row.variant: row for row in rows if row.kind == AUTOFIXED}
    repaired = {name for name, row in autofixed.items() if row.note is None}
    assert repaired == {
        "view_transpose_buggy --fix",
        "context_window_buggy --fix",
        "context_window_reshape_buggy --fix",
        "flatten_time_major_buggy --fix",
        "bidir_last_state_sized_buggy --fix",
    }
    for name in repaired:
        row = autofixed[name]
        (run,) = row.runs
        assert row.static == () and run.runtime == () and run.raised is None, name
        statuses = {check: cell.status for check, cell in run.checks}
        assert statuses["batch independence"] == "pass" and statuses["parameter use"] == "pass", name
        expected = {"n/a"} if name.startswith("flatten") else {"pass"}  # a Linear over exactly seq_len steps
        assert {statuses["padding invariance"], statuses["reference equivalence"]} == expected, name
    # suggestions only: the fix would change a Linear's size or is not known
    assert autofixed["bidir_last_state_buggy --fix"].static == ("SHP203",)
    assert autofixed["bidir_last_state_buggy --fix"].runs == ()


def test_the_verdict_fails_when_a_buggy_model_escapes_or_a_fixed_one_fails() -> None:
    sizes = (Sizes(batch=3, seq=5),)
    escaped = Family("mislabelled", "", (Variant("view_transpose_fixed", buggy=True),), sizes)
    broken = Family("mislabelled", "", (Variant("unmasked_mean_buggy", buggy=False),), sizes)
    (escaped_row,) = verify(("cpu",), [escaped])[:1]
    assert escaped_row.problems == (
        "the static half misses it",
        "the runtime half misses it on cpu",
        "it passes every check on cpu",
    )
    (broken_row,) = verify(("cpu",), [broken])
    assert broken_row.problems == (
        "the static half flags SHP302",
        "the runtime half flags SHP508 on cpu",
        "reference equivalence fails on cpu",
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-CUDA path")
def test_cli_all_devices_without_cuda_skips_the_cuda_column_and_passes() -> None:
    result = run_cli("verify", "--device", "all")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:6] == ["family", "variant", "sizes", "static", "cpu:", "runtime"]
    rows = sum(len(f.sizes) * (len(f.variants) + sum(v.buggy for v in f.variants)) for f in FAMILIES)
    variants = sum(len(f.variants) + sum(v.buggy for v in f.variants) for f in FAMILIES)  # + the autofixed
    assert all("skipped (no CUDA device)" in line for line in lines[2 : 2 + rows] if "not run" not in line)
    assert (
        lines[-1]
        == f"verify: passed, {rows} rows as expected ({variants} variants on cpu; skipped cuda (no CUDA device))"
    )
    by_kind = [" ".join(line.split()) for line in lines[lines.index("") + 4 : -1]]  # after the legend
    assert by_kind[0] == "family buggy fixed autofixed"
    assert "view-as-transpose caught 2/2 clean 4/4 clean 2/2" in by_kind
    assert "bidirectional-last-state caught 4/4 clean 2/2 clean 2/2; suggestion only (SHP203)" in by_kind


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-CUDA path")
def test_cli_cuda_without_cuda_is_an_error_not_a_pass() -> None:
    result = run_cli("verify", "--device", "cuda")
    assert result.returncode == 2 and result.stdout == ""
    assert "CUDA is not available on this machine: nothing was verified" in result.stderr


def test_cli_json_says_what_ran() -> None:
    result = run_cli("verify", "--format", "json")
    document = json.loads(result.stdout)
    assert result.returncode == 0 and document["passed"] is True and document["devices"] == ["cpu"]
    seed = next(row for row in document["rows"] if row["variant"] == "context_window_buggy")
    assert seed["static"] == ["SHP103", "SHP301"] and seed["runs"][0]["raised"].startswith("RuntimeError")


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_on_cuda_the_verdicts_hold_and_fixed_models_agree_with_the_cpu() -> None:
    rows = verify(("cpu", "cuda"))
    assert [f"{row.variant} {row.sizes}: {row.problems}" for row in rows if row.problems] == []
    for row in rows:
        if row.kind != BUGGY and row.runs:
            checks = dict(row.runs[1].checks)
            assert row.runs[1].device == "cuda" and checks["device agreement"].status == "pass", row.variant


def test_verify_without_torch_says_what_to_install() -> None:
    code = "import sys; sys.modules['torch'] = None; from shapelint.cli import main; sys.exit(main(['verify']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert (
        "pip install torch==2.13.0, then pip install -e '.[runtime]'" in result.stderr
        and "Traceback" not in result.stderr
    )
