#!/usr/bin/env bash
# `make test`: the suite on two pytest processes at once, one per core. An e2e test's whole system (every service
# and the fakes) runs inside its pytest process, on one core; pytest-xdist cannot share that process with eventlet
# (its workers hang once eventlet patches threading), so the layers are split by hand: the e2e layer on one
# process, its lines marked "e2e │", everything else on the other. Each ends with its own 15 slowest tests.
# Usage: tests/in_two.sh PYTEST_COMMAND… ; both processes get the whole command, then their folders. A command that
# names its own tests (PYTEST_ARGS="tests/e2e/test_funds.py") runs as it is, on one process.
set -uo pipefail

for argument in "$@"; do
  if [[ $argument == tests/* ]]; then exec "$@"; fi
done

ONE=(tests/e2e)
OTHER=(tests/unit tests/integration tests/browser tests/faults)

"$@" "${ONE[@]}" 2>&1 | sed -u 's/^/e2e │ /' &
one=$!
"$@" "${OTHER[@]}"
other=$?
wait "$one"
one_status=$?

echo "e2e: exit ${one_status}; unit, integration, browser, faults: exit ${other}"
exit $((one_status != 0 || other != 0))
