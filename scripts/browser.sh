# Source it; it defines ensure_browser, which finds (or on Debian installs) the Chromium the /monitor browser tests
# drive, and exports its path as TRANSFERS_CHROMIUM. Playwright's own browser download is never used.

ensure_browser() {
  local candidate
  for candidate in "${TRANSFERS_CHROMIUM:-}" chromium google-chrome chromium-browser; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null; then
      TRANSFERS_CHROMIUM=$(command -v "$candidate")
      export TRANSFERS_CHROMIUM
      return 0
    fi
  done

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || {
      echo "error: Chromium is required for the /monitor tests: install the chromium package (as root) or set TRANSFERS_CHROMIUM" >&2
      return 1
    }
    sudo=(sudo -n)
  fi

  echo "Installing Chromium (apt-get install chromium)..."
  "${sudo[@]}" apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null || return 1
  TRANSFERS_CHROMIUM=$(command -v chromium) || return 1
  export TRANSFERS_CHROMIUM
}
