#!/usr/bin/env bash
# Sets up a fresh Debian machine for kopi: the system programs it calls (tesseract with
# Indonesian data, poppler, fonts) and a virtualenv with the package. Safe to re-run: it only
# installs what is missing. Usage: scripts/bootstrap.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
packages=(tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng tesseract-ocr-osd poppler-utils
          fonts-dejavu-core fonts-humor-sans fonts-dkg-handwriting fonts-comic-neue
          fonts-breip fonts-klee fonts-rufscript
          fonts-bwht fonts-dancingscript fonts-liberation  # training the digit reader (make train-digits)
          postgresql  # the server binaries: tests run the store against a real PostgreSQL too
          chromium)  # the review desk's browser tests drive Debian's Chromium through Playwright

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "kopi needs these system packages, which are not installed: ${missing[*]}" >&2
    echo "Install them as root, then run this command again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

tesseract --list-langs 2>/dev/null | grep -qx ind || {
  echo "tesseract is installed but has no Indonesian data (package tesseract-ocr-ind)." >&2; exit 1; }

stamp="$VENV/.kopi-installed"
if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$VENV"
fi
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" || constraints.txt -nt "$stamp" ]]; then
  echo "Installing the kopi package into $VENV"
  "$VENV/bin/python" -m pip install -qq --upgrade pip
  "$VENV/bin/python" -m pip install -qq -c constraints.txt -e ".[dev]"
  touch "$stamp"
fi
