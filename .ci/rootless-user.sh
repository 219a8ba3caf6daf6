#!/usr/bin/env bash
# Creates the unprivileged user the rootless-TUN test runs as (tun/ RootlessTunIT).
# Idempotent. Without it the test falls back to the user 'nobody'. No /etc/subuid entries are
# needed: the rootless mode maps only the user's own uid (unshare --map-root-user).
set -euo pipefail
if ! id -u jwg-rootless >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin jwg-rootless
fi
# The rootless mode needs unprivileged user namespaces.
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" = 0 ]; then
  echo "user.max_user_namespaces is 0: the rootless-TUN test will fail" >&2
fi
if [ -e /proc/sys/kernel/unprivileged_userns_clone ] && [ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
  sysctl -q -w kernel.unprivileged_userns_clone=1 || true
fi
if [ -e /proc/sys/kernel/apparmor_restrict_unprivileged_userns ] && [ "$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns)" = 1 ]; then
  sysctl -q -w kernel.apparmor_restrict_unprivileged_userns=0 || true
fi
