#!/usr/bin/env bash
# Starts what the tests need when it is not running: RabbitMQ with its management API
# (nameko's rabbit_config fixture makes a vhost per test through it) and PostgreSQL.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local what=$1 seconds=$2; shift 2
  for _ in $(seq "$seconds"); do
    if "$@"; then return 0; fi
    sleep 1
  done
  echo "$what did not come up within ${seconds}s" >&2
  return 1
}

management_up() { curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1; }

if ! port_open 5672; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
fi
if ! management_up; then
  rabbitmq-plugins enable rabbitmq_management >/dev/null
fi
wait_for "RabbitMQ" 90 port_open 5672
wait_for "RabbitMQ management API" 90 management_up

if ! port_open 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
wait_for "PostgreSQL" 60 port_open 5432

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot be used here),
# with a Chinese font so their screenshots can be read.
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ]; then
  echo "installing Chromium and a Chinese font for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium fonts-wqy-microhei
fi
