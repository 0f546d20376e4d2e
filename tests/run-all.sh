#!/usr/bin/env bash
# Every Domus test, in order; what `make test` runs (after scripts/setup.sh).
#
#   1. make all                the hypervisor build counts as one test; when it
#                              fails, the tests that need build/domus.bin are not
#                              run, and counted as skipped
#   2. make unit, build/unit/<room>/test_*   each PASS/FAIL line counts; a binary that
#                              crashes, times out, was not built, or prints no
#                              PASS/FAIL line at all counts as one failure
#   3. make guests, pytest tests/guests   (when tests/guests has them)
#   4. pytest tests/system
#
# Every pytest run must write its JUnit report (build/test-logs/*.xml): the
# counts come from it, and a run without one, or one that collected no test,
# is a failure.  pytest's skips are counted as skipped.
#
# Logs: build/test-logs/. The last line is "N passed, N failed, N skipped";
# the exit status is 1 when anything failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
LOGS=build/test-logs
JOBS="$(nproc 2>/dev/null || echo 2)"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.xml

PASSED=0
FAILED=0
SKIPPED=0

section() { printf '\n=== %s\n' "$*"; }
ok()      { PASSED=$((PASSED + 1)); echo "PASS $*"; }
bad()     { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
show_tail() { echo "--- last lines of $1:"; tail -n "${2:-25}" "$1" | sed 's/^/    /'; }

# pytest_counts XML RC LABEL: add a pytest run's results (from its JUnit XML)
pytest_counts() {
    local xml="$1" rc="$2" label="$3" counts p f s
    counts="$("$PY" - "$xml" <<'EOF' 2>/dev/null
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("none"); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = f = s = 0
for su in suites:
    t += int(su.get("tests", 0)); s += int(su.get("skipped", 0))
    f += int(su.get("failures", 0)) + int(su.get("errors", 0))
print(t - f - s, f, s)
EOF
)"
    if [ "$counts" = none ] || [ -z "$counts" ]; then
        bad "$label: pytest (exit status $rc) wrote no JUnit report $xml: see ${xml%.xml}.log"
        return
    fi
    read -r p f s <<<"$counts"
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    SKIPPED=$((SKIPPED + s))
    echo "$label: $p passed, $f failed, $s skipped"
    if [ "$rc" = 5 ] || [ $((p + f + s)) = 0 ]; then
        bad "$label: pytest collected no tests (exit status $rc)"
    # exit status 2-4 (interrupted, internal or usage error) with nothing failed
    elif [ "$f" = 0 ] && [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
        bad "$label: pytest exited with status $rc"
    fi
}

# not_run LABEL WHY PYTEST-ARGS...: count the tests pytest would collect as skipped
not_run() {
    local label="$1" why="$2" n
    shift 2
    n="$("$PY" -m pytest -q --collect-only -o cache_dir=build/.pytest_cache "$@" </dev/null 2>/dev/null \
         | grep -c '::')"
    SKIPPED=$((SKIPPED + n))
    echo "$label: $n tests not run ($why): counted as skipped"
}

# run_pytest DIR LABEL [ARGS...]
run_pytest() {
    local dir="$1" label="$2" rc name
    shift 2
    name="$(echo "$label" | tr '/ ' '--')"
    "$PY" -m pytest -q -rfE -o cache_dir=build/.pytest_cache \
        --junitxml="$LOGS/$name.xml" "$@" "$dir" </dev/null 2>&1 | tee "$LOGS/$name.log"
    rc=${PIPESTATUS[0]}
    pytest_counts "$LOGS/$name.xml" "$rc" "$label"
}

# ------------------------------------------------------------ 1. build
section "build: make all"
HV_OK=0
if make --no-print-directory -j"$JOBS" all >"$LOGS/build.log" 2>&1 </dev/null \
        && [ -f build/domus.bin ]; then
    ok "build (make all)"
    HV_OK=1
else
    bad "build (make all): see $LOGS/build.log; skipping the tests that need the hypervisor"
    show_tail "$LOGS/build.log"
fi

# ------------------------------------------------------------ 2. unit tests
section "unit tests: make unit, build/unit/{core,xen,arm64}/test_*"
shopt -s nullglob
unit_srcs=(tests/unit/*/test_*.c)
if [ ${#unit_srcs[@]} = 0 ]; then
    echo "no tests/unit/*/test_*.c"
else
    if ! make --no-print-directory -k -j"$JOBS" unit >"$LOGS/unit-build.log" 2>&1 </dev/null; then
        bad "unit test build (make unit): see $LOGS/unit-build.log"
        show_tail "$LOGS/unit-build.log"
    fi
    for src in "${unit_srcs[@]}"; do
        name="${src#tests/unit/}"
        name="${name%.c}"
        bin="build/unit/$name"
        # only binaries built from the current source
        if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
            bad "unit $name: not built (see $LOGS/unit-build.log)"
            continue
        fi
        log="$LOGS/unit-${name//\//-}.log"
        timeout -k 10 300 "$bin" >"$log" 2>&1 </dev/null
        rc=$?
        p=$(grep -ac '^PASS ' "$log")
        f=$(grep -ac '^FAIL ' "$log")
        PASSED=$((PASSED + p))
        FAILED=$((FAILED + f))
        grep -a '^FAIL ' "$log" | sed 's/^/  /'
        echo "unit $name: $p passed, $f failed (exit status $rc)"
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            bad "unit $name: timed out after 300 s"
        elif [ "$rc" -ge 128 ] || grep -aqE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
            bad "unit $name: crashed (exit status $rc): see $log"
            show_tail "$log" 15
        elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
            bad "unit $name: exit status $rc without a FAIL line: see $log"
            show_tail "$log" 15
        elif [ "$p" = 0 ] && [ "$f" = 0 ]; then
            bad "unit $name: printed no PASS/FAIL line (exit status $rc): see $log"
            show_tail "$log" 15
        fi
    done
fi

# ------------------------------------------------------------ 3. micro-guests
section "micro-guests: make guests, tests/guests"
guest_tests=(tests/guests/test_*.py tests/guests/*/test_*.py)
if [ ! -f tests/guests/Makefile ] && [ ${#guest_tests[@]} = 0 ]; then
    echo "no micro-guests yet"
else
    GUESTS_OK=1
    if [ -f tests/guests/Makefile ]; then
        if make --no-print-directory guests >"$LOGS/guests-build.log" 2>&1 </dev/null; then
            ok "micro-guest build (make guests)"
        else
            GUESTS_OK=0
            bad "micro-guest build (make guests): see $LOGS/guests-build.log"
            show_tail "$LOGS/guests-build.log"
        fi
    fi
    if [ ${#guest_tests[@]} = 0 ]; then
        echo "no tests/guests/test_*.py"
    elif [ "$HV_OK" = 0 ] || [ "$GUESTS_OK" = 0 ]; then
        not_run "guests" "the hypervisor or the micro-guests did not build" tests/guests
    else
        run_pytest tests/guests "guests"
    fi
fi

# ------------------------------------------------------------ 4. system tests
section "system tests: tests/system"
if [ "$HV_OK" = 1 ]; then
    run_pytest tests/system "system"
else
    not_run "system (marked hv)" "no hypervisor" -m hv tests/system
    run_pytest tests/system "system" -m "not hv"
fi

echo
echo "logs: $LOGS/"
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ]
