"""The skip policy of tests/conftest.py: a skipped ``neo4j`` test fails the session in CI or on the
project's own server, and may skip only on a user's own server (``NEO4J_URI``) outside CI.

Runs pytest in a subprocess on a throw-away folder holding a copy of ``tests/conftest.py`` and a
test file whose ``neo4j``-marked test skips; no Neo4j server is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

_TESTS = '''
import pytest

@pytest.mark.neo4j
def test_neo4j_that_skips():
    pytest.skip("no Graph Data Science on this server")

@pytest.mark.neo4j
def test_neo4j_that_passes():
    pass

def test_unmarked_may_skip():
    pytest.skip("not a neo4j test")
'''


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("skip-policy")
    shutil.copy(CONFTEST, d / "conftest.py")
    (d / "test_policy.py").write_text(_TESTS, encoding="utf-8")
    (d / "pytest.ini").write_text("[pytest]\nmarkers =\n    neo4j: needs Neo4j\n", encoding="utf-8")
    return d


def _run(folder, **env_over):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NEO4J_URI")}
    env.update(env_over)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", str(folder)],
                          capture_output=True, text=True, env=env, cwd=folder, timeout=300)


def test_ci_turns_a_neo4j_skip_into_a_failure(folder):
    out = _run(folder, CI="true", NEO4J_URI="bolt://127.0.0.1:7687")
    assert out.returncode == 1, out.stdout
    assert "1 failed, 1 passed, 1 skipped" in out.stdout
    assert "a neo4j test may not skip in CI, and this one did: no Graph Data Science" in out.stdout


def test_own_server_turns_a_neo4j_skip_into_a_failure(folder):
    out = _run(folder)  # no NEO4J_URI: the tests use the project's own server
    assert out.returncode == 1, out.stdout
    assert "a neo4j test may not skip on the project's own Neo4j server" in out.stdout


def test_users_own_server_outside_ci_may_skip(folder):
    out = _run(folder, NEO4J_URI="bolt://127.0.0.1:7687", CI="false")
    assert out.returncode == 0, out.stdout
    assert "1 passed, 2 skipped" in out.stdout
