#!/usr/bin/env bash
# Check the Debian packages the portal needs; install them when run as root, otherwise print the
# exact command and stop. Usage: scripts/system-deps.sh runtime|test
set -euo pipefail

want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "${1:-runtime}" = "test" ]; then
  # Browser tests drive Debian's chromium; PDF checks use pdftotext and pdftoppm, and zbarimg
  # reads the QR codes printed on them; tests/test_proxy.py runs deploy/nginx.conf in Debian's
  # nginx (only in a subprocess of the test, never as a service).
  want+=(chromium poppler-utils zbar-tools nginx)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! python3 -c "import ensurepip, venv" 2>/dev/null && [ ! -x .venv/bin/python ]; then
  missing+=(python3-venv)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Cài các gói hệ thống còn thiếu: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Thiếu gói hệ thống. Hãy chạy:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
