#!/usr/bin/env bash
# `make test`: the suite on two pytest processes at once, one per core. An e2e test's whole system (every service
# and the fakes) runs inside its pytest process, on one core; pytest-xdist cannot share that process with eventlet
# (its workers hang once eventlet patches threading), so the layers are split by hand: the e2e layer on one
# process, its lines marked "e2e │", everything else on the other. At the end, the 15 slowest tests of both together
# (tests/slowest.py, from each process's JUnit report; the command's own --durations is left out).
# Usage: tests/in_two.sh PYTEST_COMMAND… ; both processes get the whole command, then their folders. A command that
# names its own tests (PYTEST_ARGS="tests/e2e/test_funds.py") runs as it is, on one process.
set -uo pipefail

for argument in "$@"; do
  if [[ $argument == tests/* ]]; then exec "$@"; fi
done

ONE=(tests/e2e)
OTHER=(tests/unit tests/integration tests/browser tests/faults)
PYTHON=$1  # the command is `python -m pytest …`
COMMAND=()
for argument in "$@"; do
  if [[ $argument != --durations=* ]]; then COMMAND+=("$argument"); fi
done
REPORTS=$(mktemp -d)
trap 'rm -rf "$REPORTS"' EXIT

"${COMMAND[@]}" --junitxml="$REPORTS/e2e.xml" "${ONE[@]}" 2>&1 | sed -u 's/^/e2e │ /' &
one=$!
"${COMMAND[@]}" --junitxml="$REPORTS/other.xml" "${OTHER[@]}"
other=$?
wait "$one"
one_status=$?

"$PYTHON" tests/slowest.py 15 "$REPORTS"/*.xml

echo "e2e: exit ${one_status}; unit, integration, browser, faults: exit ${other}"
exit $((one_status != 0 || other != 0))
