#!/bin/sh
# Whether a scan's cost grows with its input or faster (bench/scale.py):
# generated inputs at three sizes, each twice the one before.
# usage: bench/scale.sh [BUILD_DIR] [--quick]
exec python3 "$(dirname "$0")/scale.py" "$@"
