#!/usr/bin/env bash
# Set up everything hoso needs on a Debian/Ubuntu machine, then run one job.
#   ./bootstrap.sh demo   — build the sample workbook's dossiers into output/
#   ./bootstrap.sh test   — run the test suite
#   ./bootstrap.sh setup  — set up only
# Idempotent: when everything is installed it only checks and runs (a second or two).
# Works as root or as a user with sudo. Extra arguments are passed to hoso / pytest.
set -euo pipefail
cd "$(dirname "$0")"
job="${1:-demo}"; shift || true

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_packages=()
command -v soffice >/dev/null 2>&1 || apt_packages+=(libreoffice-writer-nogui)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || apt_packages+=(fonts-liberation2)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_packages+=(fonts-dejavu-core)
# Carlito: metric-compatible with Calibri (Word's default body font) and complete for Vietnamese: a form a clerk
# set in Calibri prints with Word's line breaks (pipeline/forms/fonts_asked.py)
[ -f /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ] || apt_packages+=(fonts-crosextra-carlito)
command -v pdftoppm >/dev/null 2>&1 || apt_packages+=(poppler-utils)
# LibreOffice kept running for hoso serve and Dask workers (pipeline/pdf/warm.py) is driven over UNO
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || apt_packages+=(python3-uno)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || apt_packages+=(python3-venv python3-pip)
if [ "$job" = "test" ]; then  # the browser tests of hoso serve (tests/test_web.py) only: demo stays lean
  command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || apt_packages+=(chromium-driver)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "==> Cài gói hệ thống: ${apt_packages[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >&2
fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "hoso cần Python 3.11 trở lên (máy này có $(python3 --version))." >&2; exit 1; }

stamp=".venv/.hoso-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> Tạo môi trường Python (.venv) và cài hoso" >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >&2
  .venv/bin/python -m pip install -q -e ".[dev]" >&2
  echo "$want" > "$stamp"
fi

case "$job" in
  setup) echo "Đã cài đặt xong." >&2 ;;
  demo) exec .venv/bin/hoso demo -o output "$@" ;;
  test)
    echo "==> Kiểm tra kiểu (mypy --strict, cấu hình trong pyproject.toml) / type check" >&2
    .venv/bin/python -m mypy
    set +e
    # one worker per CPU (at most 4), each test file on one worker: its module fixtures built once;
    # HOSO_TEST_WORKERS=0 runs the suite in this process alone
    .venv/bin/python -m pytest -n "${HOSO_TEST_WORKERS:-auto}" --maxprocesses 4 --dist loadfile "$@"
    rc=$?
    set -e
    if [ "$rc" -eq 5 ]; then echo "Không có test nào được chạy: coi là lỗi." >&2; exit 1; fi
    exit "$rc" ;;
  *) echo "Cách dùng: ./bootstrap.sh demo|test|setup" >&2; exit 2 ;;
esac
