# Shared by scripts/demo, scripts/test and .ci/run: source it, don't run it.
# Every path is relative to the repository root, whatever the caller's directory.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$REPO_ROOT/.venv}"

log() { printf '==> %s\n' "$*" >&2; }

# Create the venv if it is missing and install the project with its dev tools (editable).
# pip skips what is already installed, so a second call takes seconds.
ensure_venv() {
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "creating $VENV"
        python3 -m venv "$VENV"
    fi
    log "installing tap-media-apis[dev] into $VENV"
    "$VENV/bin/python" -m pip install -qq --disable-pip-version-check -e "$REPO_ROOT[dev]"
    export PATH="$VENV/bin:$PATH"
}

# Install the Meltano plugins of meltano.yml (the tap itself editable) into .meltano/.
ensure_meltano_plugins() {
    log "meltano install"
    (cd "$REPO_ROOT" && "$VENV/bin/meltano" install)
}
