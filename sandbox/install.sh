#!/usr/bin/env bash
# Install everything the local sandbox needs (idempotent: installed packages are skipped).
# Usage: sandbox/install.sh            (as root; called by the project set-up and by CI)
#        SANDBOX_SKIP_APT=1 sandbox/install.sh   (pip part only)
set -euo pipefail

APT_PACKAGES=(postgresql redis-server redis-sentinel prometheus nginx iptables iproute2 openssl
              libnetfilter-queue-dev build-essential python3-dev wrk hey openssh-server openssh-client
              chromium)  # chromium: the report tests load the Allure report and document view headless
PIP_PACKAGES=("NetfilterQueue" "moto[server]" "boto3" "psycopg[binary]" "redis" "cryptography"
              "uvicorn" "requests")
PYTHON="${PYTHON:-python3}"

missing_apt() {
    local pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
    done
}

if [[ "${SANDBOX_SKIP_APT:-0}" != "1" ]]; then
    mapfile -t todo < <(missing_apt)
    if ((${#todo[@]})); then
        if [[ $(id -u) -ne 0 ]]; then
            echo "sandbox/install.sh: need root to apt-get install: ${todo[*]}" >&2
            exit 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # the packages' own services never start here (no systemd); the sandbox starts its own processes
        apt-get install -y -qq --no-install-recommends "${todo[@]}"
    fi
fi

# pip skips requirements that are already satisfied, but asking it takes seconds: first look for the modules
PIP_MODULES=(netfilterqueue moto flask boto3 psycopg psycopg_binary redis cryptography uvicorn requests)
if ! command -v moto_server >/dev/null || ! "$PYTHON" - "${PIP_MODULES[@]}" <<'PY'
import importlib.util, sys
sys.exit(any(importlib.util.find_spec(name) is None for name in sys.argv[1:]))
PY
then
    "$PYTHON" -m pip install -q "${PIP_PACKAGES[@]}"
fi

# Debian's postgresql package does not put the server tools on PATH
for tool in initdb pg_ctl postgres pg_basebackup; do
    bin=$(ls -d /usr/lib/postgresql/*/bin/"$tool" 2>/dev/null | sort -V | tail -n1 || true)
    [[ -n "$bin" && ! -e /usr/local/bin/$tool && $(id -u) -eq 0 ]] && ln -s "$bin" "/usr/local/bin/$tool"
done
echo "sandbox/install.sh: done"
