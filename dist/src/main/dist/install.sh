#!/bin/sh
# Installs this jwg into PREFIX (default /usr/local):
#   PREFIX/bin/jwg, PREFIX/lib/jwg/{jwg.jar,runtime/}, PREFIX/lib/systemd/system/{jwg@,jwg-signal}.service,
#   PREFIX/share/man/man1/jwg.1, PREFIX/share/bash-completion/completions/jwg, PREFIX/share/doc/jwg/
# usage: ./install.sh [PREFIX]     (an earlier jwg there is replaced: its lib/jwg goes first)
set -eu
src=$(cd "$(dirname "$0")" && pwd)
prefix=${1:-${PREFIX:-/usr/local}}
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac

mkdir -p "$prefix"
rm -rf "$prefix/lib/jwg"
for d in bin lib share; do
  [ -d "$src/$d" ] || continue
  mkdir -p "$prefix/$d"
  cp -R "$src/$d/." "$prefix/$d/"
done
for u in "$prefix/lib/systemd/system/jwg@.service" "$prefix/lib/systemd/system/jwg-signal.service"; do
  [ -f "$u" ] && sed -i "s|/usr/local/bin/jwg|$prefix/bin/jwg|g" "$u"
done

echo "jwg installed into $prefix:"
"$prefix/bin/jwg" version
case $prefix in
  /usr|/usr/local) echo "interfaces as services: systemctl daemon-reload && systemctl enable --now jwg@wg0  (/etc/wireguard/wg0.conf)" ;;
  *) echo "systemd units are in $prefix/lib/systemd/system (link them into /etc/systemd/system to use them);"
     echo "put $prefix/bin on PATH if it is not" ;;
esac
