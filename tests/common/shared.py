"""Where the shared folder beside the source tree is, for the tests and
benchmarks in Python: `sys.path` gets tests/common, then
`from shared import find_corpus`.

The corpus is looked up in $PLM_CORPUS, then SOURCE_ROOT/../shared/corpus
(a checkout beside the shared folder, as in CI), then
SOURCE_ROOT/../../shared/corpus (a worktree one level further down).
"""
import os


def find_corpus(root, marker="dockerfile"):
    """The corpus folder, or None; a candidate counts only if it holds
    marker (a folder or a file)."""
    for c in (os.environ.get("PLM_CORPUS", ""),
              os.path.join(root, "..", "shared", "corpus"),
              os.path.join(root, "..", "..", "shared", "corpus")):
        if c and os.path.exists(os.path.join(c, marker)):
            return c
    return None
