#!/bin/sh
# The speed table (bench/run.py): plimsoll over the shared corpus against
# the floor and the peers. usage: bench/run.sh [BUILD_DIR] [--quick]
exec python3 "$(dirname "$0")/run.py" "$@"
