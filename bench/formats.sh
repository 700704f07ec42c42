#!/bin/sh
# What each output format costs over the shared corpus (bench/formats.py).
# usage: bench/formats.sh [BUILD_DIR] [--quick]
exec python3 "$(dirname "$0")/formats.py" "$@"
