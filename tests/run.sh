#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds plimsoll in a normal
# configuration with gcc and in an AddressSanitizer + UndefinedBehaviorSanitizer
# configuration with clang, both with warnings as errors, runs every suite in
# both (the differential and validator suites, which compare
# outputs rather than memory behaviour, valgrind and the bench table run in the normal build
# only), then builds the fuzz targets with clang and runs their regression
# inputs and a short smoke run (FUZZ_SECONDS per target, default 20), and
# ends with one line: `tests: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash tests/install-deps.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }

jobs=$(nproc 2>/dev/null || echo 2)
failed_setup=0

build() {
	local dir=$1; shift
	rm -f "$dir/meson-logs/testlog.json"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" -j "$jobs" >"$dir.build.log" 2>&1 ||
		{ tail -n 60 "$dir.build.log"; return 1; }
}

run_suite() {
	local dir=$1; shift
	meson test -C "$dir" --print-errorlogs --num-processes "$jobs" "$@"
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export NO_COLOR=1

echo "== normal build"
if CC=gcc build build -Dwerror=true; then
	run_suite build
else
	failed_setup=$((failed_setup + 1))
fi

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
if CC=clang build build-asan -Dwerror=true \
	-Db_sanitize=address,undefined -Db_lundef=false; then
	run_suite build-asan --no-suite differential --no-suite validate \
		--no-suite valgrind --no-suite style --no-suite bench
else
	failed_setup=$((failed_setup + 1))
fi

# The fuzz targets (tests/fuzz) under clang, libFuzzer, ASan and UBSan: the
# regression inputs replayed, then every target fuzzed FUZZ_SECONDS each.
echo "== fuzz build (clang, libFuzzer, ASan + UBSan): regressions and smoke"
if CC=clang build build-fuzz -Dfuzz=true -Dtests=false \
	-Db_sanitize=address,undefined -Db_lundef=false; then
	FUZZ_SECONDS=${FUZZ_SECONDS:-20} FUZZ_SEEDS=${FUZZ_SEEDS:-60} \
		run_suite build-fuzz \
		--suite fuzz-regress --suite fuzz
else
	failed_setup=$((failed_setup + 1))
fi

# Count from meson's own machine-readable logs.
python3 - "$failed_setup" <<'PY'
import json, sys
passed = failed = skipped = 0
failed += int(sys.argv[1])
for d in ("build", "build-asan", "build-fuzz"):
    try:
        with open(f"{d}/meson-logs/testlog.json") as f:
            for line in f:
                r = json.loads(line).get("result")
                if r in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif r == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        pass
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
