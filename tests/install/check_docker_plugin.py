"""The plimsoll binary as a Docker CLI plugin, run the way the docker
command runs it: a link named docker-plimsoll, asked for its metadata
with `docker-plimsoll docker-cli-plugin-metadata`, and run as
`docker-plimsoll [docker's global options] plimsoll ARGS` for
`docker plimsoll ARGS`.

usage: check_docker_plugin.py PLIMSOLL SOURCE_ROOT
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None
SOURCE_ROOT = None


class DockerPlugin(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.plugin = os.path.join(self.tmp.name, "cli-plugins",
                                   "docker-plimsoll")
        os.makedirs(os.path.dirname(self.plugin))
        os.symlink(os.path.abspath(PLIMSOLL), self.plugin)

    def tearDown(self):
        self.tmp.cleanup()

    def run_plugin(self, *args, cwd=None):
        env = dict(os.environ, NO_COLOR="1")
        return subprocess.run([self.plugin, *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=120)

    def test_metadata_is_the_json_docker_reads(self):
        r = self.run_plugin("docker-cli-plugin-metadata")
        self.assertEqual(r.returncode, 0, r.stderr)
        meta = json.loads(r.stdout)  # nothing else on stdout
        self.assertEqual(meta["SchemaVersion"], "0.1.0")
        self.assertTrue(meta["Vendor"])
        version = subprocess.run([PLIMSOLL, "--version"], text=True,
                                 capture_output=True).stdout.split()[1]
        self.assertEqual(meta["Version"], version)
        self.assertTrue(meta["ShortDescription"])
        self.assertNotIn("\n", meta["ShortDescription"])
        # Only the keys Docker defines.
        self.assertLessEqual(set(meta), {"SchemaVersion", "Vendor",
                                         "Version", "ShortDescription",
                                         "URL"})

    def test_docker_plimsoll_scan_runs_the_scan(self):
        examples = os.path.join(SOURCE_ROOT, "examples")
        want = subprocess.run([PLIMSOLL, "scan", "--format", "gnu",
                               "dockerfile"], cwd=examples,
                              capture_output=True, text=True)
        r = self.run_plugin("plimsoll", "scan", "--format", "gnu",
                            "dockerfile", cwd=examples)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, want.stdout)
        self.assertIn("[runs-as-root]", r.stdout)
        # Docker's global options come before the plugin's name.
        r = self.run_plugin("--context", "default", "-D", "--tls",
                            "--log-level=debug", "plimsoll", "scan",
                            "--format", "gnu", "dockerfile", cwd=examples)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, want.stdout)

    def test_docker_plimsoll_alone_scans_the_current_directory(self):
        d = self.tmp.name
        with open(os.path.join(d, "Dockerfile"), "w") as f:
            f.write("FROM alpine:3.20\nUSER root\n")
        r = self.run_plugin("plimsoll", cwd=d)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Dockerfile:2:6: high: the image runs as root",
                      r.stdout)
        self.assertIn("1 file scanned", r.stdout)
        # Arguments after the name go to plimsoll as they are.
        r = self.run_plugin("plimsoll", "--version", cwd=d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("plimsoll "))

    def test_a_plugin_run_without_its_name_is_a_usage_error(self):
        r = self.run_plugin("scan", ".")
        self.assertEqual(r.returncode, 2)
        self.assertIn("docker plimsoll", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_the_plain_name_ignores_docker_arguments(self):
        r = subprocess.run([PLIMSOLL, "docker-cli-plugin-metadata"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command", r.stderr)


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv[1])
    SOURCE_ROOT = os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0], "-v"])
