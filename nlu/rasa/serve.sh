#!/usr/bin/env bash
# Sets up Rasa 3.6 in its own Python 3.10 environment, trains the NLU model on nlu/data when it
# is missing or stale, and serves it on 127.0.0.1 for the `rasa` backend (nlu/backends/rasa.py).
#
#   nlu/rasa/serve.sh [--prepare-only] [PORT]      (PORT: default $JALSAMVAD_RASA_PORT or 5005)
#
# Everything it makes lives outside the repository, under $JALSAMVAD_RASA_HOME
# (default ~/.cache/jalsamvad/rasa): venv/, models/, cache/. Every step is idempotent.
# Needs a Python 3.8-3.10 (Rasa 3.6 runs on nothing newer): $JALSAMVAD_RASA_PYTHON, else
# python3.10/3.9/3.8 on PATH, else one installed by pyenv. See nlu/rasa/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RASA_HOME="${JALSAMVAD_RASA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/jalsamvad/rasa}"
VENV="$RASA_HOME/venv"
MODELS="$RASA_HOME/models"
REQUIREMENTS="$HERE/requirements.txt"

PREPARE_ONLY=0
PORT="${JALSAMVAD_RASA_PORT:-5005}"
for arg in "$@"; do
    case "$arg" in
        --prepare-only) PREPARE_ONLY=1 ;;
        -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *[!0-9]* | '') echo "serve.sh: not a port: $arg" >&2; exit 2 ;;
        *) PORT="$arg" ;;
    esac
done

export RASA_TELEMETRY_ENABLED=false
export RASA_CACHE_DIRECTORY="$RASA_HOME/cache"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p "$RASA_HOME" "$MODELS" "$RASA_CACHE_DIRECTORY"
cd "$RASA_HOME" # Rasa writes beside its working directory: keep it out of the repository

log() { printf 'serve.sh: %s\n' "$*" >&2; }

usable_python() { # a Python that Rasa 3.6 supports, with venv
    "$1" -c 'import sys, venv, ensurepip; sys.exit(not (3, 8) <= sys.version_info[:2] <= (3, 10))' \
        >/dev/null 2>&1
}

find_python() {
    local candidate pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    for candidate in "${JALSAMVAD_RASA_PYTHON:-}" python3.10 python3.9 python3.8 \
        "$pyenv_root"/versions/3.10.*/bin/python3.10 \
        "$pyenv_root"/versions/3.9.*/bin/python3.9 \
        "$pyenv_root"/versions/3.8.*/bin/python3.8; do
        [ -n "$candidate" ] || continue
        if usable_python "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        log "no Python 3.8-3.10 found; trying 'pyenv install 3.10' (downloads from python.org)"
        if pyenv install --skip-existing 3.10 >&2; then
            for candidate in "$pyenv_root"/versions/3.10.*/bin/python3.10; do
                usable_python "$candidate" && { echo "$candidate"; return 0; }
            done
        fi
    fi
    return 1
}

sha() { sha256sum | cut -c1-16; }

setup_venv() {
    local want have=""
    want="$(sha <"$REQUIREMENTS")"
    [ -f "$VENV/.jalsamvad-requirements" ] && have="$(cat "$VENV/.jalsamvad-requirements")"
    if [ -x "$VENV/bin/python" ] && [ "$have" = "$want" ]; then
        return 0
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        local python
        if ! python="$(find_python)"; then
            log "no Python 3.8-3.10 here. Rasa 3.6 needs one (see nlu/rasa/README.md);"
            log "set JALSAMVAD_RASA_PYTHON=/path/to/python3.10 and run again."
            exit 1
        fi
        log "creating $VENV with $python ($("$python" --version 2>&1))"
        "$python" -m venv "$VENV"
    fi
    log "installing Rasa 3.6 into $VENV (pinned: nlu/rasa/requirements.txt; ~2 min)"
    "$VENV/bin/python" -m pip install --quiet --upgrade "pip<24.1" setuptools wheel
    "$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
    echo "$want" >"$VENV/.jalsamvad-requirements"
}

model_hash() { # the training data and everything else that decides the model
    {
        for file in "$REPO"/nlu/data/*.yml "$HERE/config.yml" "$HERE/domain.yml" "$REQUIREMENTS"; do
            printf '%s\n' "${file#"$REPO"/}"
            cat "$file"
        done
    } | sha
}

train_if_stale() {
    local name
    name="nlu-$(model_hash)"
    MODEL="$MODELS/$name.tar.gz"
    if [ -f "$MODEL" ]; then
        log "model is up to date: $MODEL"
        return 0
    fi
    log "training $name on nlu/data (DIET, 100 epochs: about an hour on 2 cores)"
    local started=$SECONDS
    "$VENV/bin/rasa" train nlu \
        --config "$HERE/config.yml" --domain "$HERE/domain.yml" --nlu "$REPO/nlu/data" \
        --out "$MODELS" --fixed-model-name "$name"
    [ -f "$MODEL" ] || { log "training finished without $MODEL"; exit 1; }
    log "trained in $((SECONDS - started)) s: $MODEL"
    find "$MODELS" -maxdepth 1 -name 'nlu-*.tar.gz' ! -name "$name.tar.gz" -delete
}

(
    # One set-up or training at a time, however many serve.sh are started.
    flock 9
    setup_venv
    train_if_stale
) 9>"$RASA_HOME/.lock"
MODEL="$MODELS/nlu-$(model_hash).tar.gz"

if [ "$PREPARE_ONLY" = 1 ]; then
    log "ready: $MODEL"
    exit 0
fi
log "starting Rasa on http://127.0.0.1:$PORT (ready in about half a minute); in another shell:"
echo "export JALSAMVAD_RASA_URL=http://127.0.0.1:$PORT"
exec "$VENV/bin/rasa" run --enable-api -i 127.0.0.1 -p "$PORT" --model "$MODEL"
