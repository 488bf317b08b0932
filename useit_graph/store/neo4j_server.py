"""The project's own Neo4j Community server, assembled from Maven Central jars.

Neo4j's tarball is not on Maven Central, but every jar of the Community edition is
(``org.neo4j:neo4j``, GPLv3). :func:`fetch` resolves them with Maven into a cached folder of jars,
:func:`start` runs ``org.neo4j.server.CommunityEntryPoint`` on them in a throw-away home with auth
enabled and a Bolt port on 127.0.0.1, and :func:`stop` ends it and removes the home. This is the
test and demo fixture used by ``scripts/neo4j-server`` and by CI; users bring their own Neo4j and
pass ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD``.

Only the standard library is used here (plus the optional ``neo4j`` driver, to confirm that the
server answers queries). Verified facts, timings and the plugin story are in
``docs/neo4j-server.md``.

Layout of the cache (``$USEIT_GRAPH_CACHE`` or ``~/.cache/useit-graph``)::

    neo4j/<version>/lib/            Neo4j's jars (the classpath), named groupId.artifactId-version.jar
    neo4j/<version>/plugins/        GDS and APOC jars, minus the groupId.artifactIds lib/ already has
    neo4j/<version>/manifest.json   what was fetched, and which plugins resolved
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = [
    "DEFAULT_VERSION",
    "GDS_VERSION",
    "APOC_VERSION",
    "Neo4jServerError",
    "ServerInfo",
    "cache_root",
    "fetch",
    "start",
    "stop",
    "status",
    "read_state",
    "check_importable",
    "import_database",
]

#: The newest 5.26 LTS patch on Maven Central when this was written; 5.26 runs on Java 17.
DEFAULT_VERSION = "5.26.30"
#: Open Graph Data Science for Neo4j 5.26 (the newest 2.13.x on Maven Central).
GDS_VERSION = "2.13.9"
#: The GDS modules that together make the open plugin: what GDS's own ``open-packaging`` shades
#: into open-gds.jar, plus ``opengds-extension`` (registers the component every procedure injects).
GDS_ARTIFACTS = ("proc", "proc-sysinfo", "open-write-services", "opengds-extension")
#: APOC core; the newest 5.26.x published on Maven Central (not every Neo4j patch gets one).
APOC_VERSION = "5.26.19"
#: apoc-core's jar on Maven Central holds only the procedures; their result types are in apoc-common.
APOC_ARTIFACTS = ("apoc-common", "apoc-core")
#: maven-dependency-plugin used for ``copy-dependencies`` (pinned for reproducible CI).
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

USER = "neo4j"
STATE_FILE = "server.env"
LOG_FILE = "neo4j-console.log"
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0
#: Memory defaults sized for the shared 2-core test machine; override with the ``page_cache`` and
#: ``heap`` arguments of :func:`start`, or ``USEIT_NEO4J_PAGECACHE`` / ``USEIT_NEO4J_HEAP``.
DEFAULT_PAGE_CACHE = "64m"
DEFAULT_HEAP = ("512m", "1g")
_SIZE = re.compile(r"^(\d+)([kmgKMG]?)$")
MIN_PASSWORD_LENGTH = 8  # Neo4j's dbms.security.auth_minimum_password_length

#: JVM flags the ``neo4j`` launcher takes from the default neo4j.conf (``server.jvm.additional``);
#: the entry point alone does not apply them, so they go on the java line.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"

# Popen objects of servers started by this process, so stop() can reap them (no zombies).
_CHILDREN: dict[int, subprocess.Popen] = {}


class Neo4jServerError(RuntimeError):
    """The Neo4j fixture server could not be fetched, started or stopped.

    The message says what happened and how to fix it, and ends with the log tail where there is one.
    """


@dataclass(frozen=True)
class ServerInfo:
    """A running server started by :func:`start`.

    Parameters
    ----------
    uri : str
        Bolt URI, ``bolt://127.0.0.1:<port>``.
    user : str
        Always ``neo4j``.
    password : str
        The password set before first start (not shown in ``repr``).
    pid : int
        Process id of the server's JVM.
    home : Path
        The server's home (conf/, data/, logs/, the console log and ``server.env``).
    port : int
        The Bolt port.
    version : str
        Neo4j version.
    gds_available : bool
        Whether Graph Data Science was fetched and (when the driver is installed) ``gds.version()``
        answered.
    apoc_available : bool
        The same for APOC core (``apoc.version()``).
    owns_home : bool
        Whether :func:`stop` removes ``home`` (true for a temporary home).
    log_file : Path
        The JVM's stdout and stderr.
    plugin_error : str or None
        Set when the server failed to start with the plugins and was started without them: the
        root cause from the log.
    """

    uri: str
    user: str
    password: str = field(repr=False)
    pid: int
    home: Path
    port: int
    version: str = DEFAULT_VERSION
    gds_available: bool = False
    apoc_available: bool = False
    owns_home: bool = True
    log_file: Path | None = None
    plugin_error: str | None = None

    def env(self) -> dict[str, str]:
        """The ``NEO4J_*`` variables for this server, as printed by ``scripts/neo4j-server start``."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_PID": str(self.pid),
            "NEO4J_HOME": str(self.home),
            "NEO4J_PORT": str(self.port),
            "NEO4J_VERSION": self.version,
            "NEO4J_GDS": "1" if self.gds_available else "0",
            "NEO4J_APOC": "1" if self.apoc_available else "0",
            "NEO4J_OWNS_HOME": "1" if self.owns_home else "0",
            "NEO4J_LOG": str(self.log_file or ""),
        }

    def shell_lines(self) -> str:
        """``KEY=value`` lines, shell-quoted, for ``eval "$(scripts/neo4j-server start)"``."""
        return "".join(f"{k}={shlex.quote(v)}\n" for k, v in self.env().items())


# ----------------------------------------------------------------------------------------- fetch


def cache_root() -> Path:
    """The folder that holds the fetched jars: ``$USEIT_GRAPH_CACHE/neo4j`` or ``~/.cache/useit-graph/neo4j``.

    Returns
    -------
    Path
    """
    base = os.environ.get("USEIT_GRAPH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "useit-graph")
    return Path(base).expanduser() / "neo4j"


def _pom(deps: list[tuple[str, str, str, str | None]]) -> str:
    body = "".join(
        f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version>"
        + (f"<scope>{s}</scope>" if s else "") + "</dependency>\n"
        for g, a, v, s in deps)
    return ('<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>\n'
            "<groupId>local.useit-graph</groupId><artifactId>neo4j-fetch</artifactId>"
            "<version>0</version><packaging>pom</packaging>\n"
            f"<dependencies>\n{body}</dependencies></project>\n")


def _mvn(pom_text: str, out_dir: Path, what: str) -> None:
    """Run ``mvn copy-dependencies`` on a throw-away pom; raise Neo4jServerError on failure."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError(
            f"Cannot fetch {what}: Maven (`mvn`) is not on PATH. Fix: install Maven 3.8+ "
            "(Debian: `apt-get install maven`) and make sure Maven Central is reachable.")
    with tempfile.TemporaryDirectory(prefix="useit-neo4j-pom-") as tmp:
        pom = Path(tmp) / "pom.xml"
        pom.write_text(pom_text, encoding="utf-8")
        cmd = [mvn, "-B", "-q", "-f", str(pom), f"{DEPENDENCY_PLUGIN}:copy-dependencies",
               f"-DoutputDirectory={out_dir}", "-DincludeScope=runtime",
               "-Dmdep.overWriteReleases=true", "-Dmdep.prependGroupId=true"]
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=tmp)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.strip().splitlines()[-15:])
        raise Neo4jServerError(
            f"Maven could not resolve {what} (exit {proc.returncode}). Fix: check that Maven "
            "Central is reachable (proxy settings in ~/.m2/settings.xml) and that the version "
            f"exists there.\n--- mvn output (tail) ---\n{tail}")


_JAR_RE = re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-]*(?:-[A-Za-z0-9.]+)*)\.jar$")


def _artifact_name(jar: str) -> str:
    m = _JAR_RE.match(jar)
    return m.group("name") if m else jar[:-4]


def _fetch_plugin(name: str, version: str, deps: list[tuple[str, str, str, str | None]],
                  lib: Path, plugins: Path) -> dict:
    """Fetch one plugin into ``plugins`` (minus jars lib/ already has); return its manifest entry."""
    entry: dict = {"version": version, "artifacts": [f"{g}:{a}:{v}" for g, a, v, s in deps if s is None]}
    with tempfile.TemporaryDirectory(prefix=f"useit-neo4j-{name}-") as tmp:
        out = Path(tmp) / "jars"
        try:
            _mvn(_pom(deps), out, f"the {name} plugin")
        except Neo4jServerError as exc:
            entry.update(available=False, error=str(exc), jars=[])
            return entry
        have = {_artifact_name(p.name) for p in [*lib.glob("*.jar"), *plugins.glob("*.jar")]}
        jars = []
        for jar in sorted(out.glob("*.jar")):
            if _artifact_name(jar.name) in have:
                continue  # Neo4j or an earlier plugin has this groupId.artifactId already: keep one
            shutil.copy2(jar, plugins / jar.name)
            jars.append(jar.name)
    entry.update(available=bool(jars), error=None if jars else "no jars resolved", jars=jars)
    return entry


def fetch(version: str = DEFAULT_VERSION, *, plugins: bool = True, refresh: bool = False,
          gds_version: str = GDS_VERSION, apoc_version: str = APOC_VERSION) -> Path:
    """Resolve Neo4j Community ``version`` (and the open plugins) from Maven Central into the cache.

    A second call finds the cache and returns at once without running Maven. Only
    ``org.neo4j:neo4j`` (Community, GPLv3) and the open plugins are fetched, never ``com.neo4j``.

    Parameters
    ----------
    version : str
        Neo4j version; 5.26.x runs on Java 17.
    plugins : bool
        Also fetch Graph Data Science (``org.neo4j.gds``) and APOC core. A plugin that fails to
        resolve is recorded in the manifest (``available: false``) and does not fail the fetch.
    refresh : bool
        Fetch again even if the cache is complete (also retries plugins that failed before).
    gds_version, apoc_version : str
        Plugin versions; they must match the Neo4j line (GDS 2.13.x and APOC 5.26.x for 5.26).

    Returns
    -------
    Path
        The distribution folder, with ``lib/``, ``plugins/`` and ``manifest.json``.

    Raises
    ------
    Neo4jServerError
        If Maven is missing or Neo4j itself cannot be resolved.
    """
    dist = cache_root() / version
    dist.mkdir(parents=True, exist_ok=True)
    with open(dist / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent fetches of the same version wait here
        manifest_path = dist / "manifest.json"
        manifest = {}
        if manifest_path.exists() and not refresh:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        lib = dist / "lib"
        if not manifest.get("lib_complete") or not lib.is_dir():
            t0 = time.monotonic()
            tmp_lib = dist / "lib.partial"
            shutil.rmtree(tmp_lib, ignore_errors=True)
            _mvn(_pom([("org.neo4j", "neo4j", version, None)]), tmp_lib,
                 f"Neo4j Community org.neo4j:neo4j:{version}")
            if not any(tmp_lib.glob("org.neo4j.app.neo4j-server-*.jar")):
                raise Neo4jServerError(
                    f"Maven resolved org.neo4j:neo4j:{version} but no neo4j-server jar came with it "
                    f"(see {tmp_lib}). Fix: use a 5.x or later Community version.")
            shutil.rmtree(lib, ignore_errors=True)
            tmp_lib.rename(lib)
            manifest = {"version": version, "coordinates": f"org.neo4j:neo4j:{version}",
                        "lib_complete": True, "lib_jars": len(list(lib.glob("*.jar"))),
                        "lib_fetch_s": round(time.monotonic() - t0, 1), "plugins": {}}
            manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if plugins and (refresh or "gds" not in manifest.get("plugins", {})
                        or "apoc" not in manifest.get("plugins", {})):
            t0 = time.monotonic()
            plug = dist / "plugins"
            shutil.rmtree(plug, ignore_errors=True)
            plug.mkdir()
            neo = ("org.neo4j", "neo4j", version, "provided")
            manifest["plugins"] = {
                "gds": _fetch_plugin("gds", gds_version,
                                     [neo] + [("org.neo4j.gds", a, gds_version, None) for a in GDS_ARTIFACTS],
                                     lib, plug),
                "apoc": _fetch_plugin("apoc", apoc_version,
                                      [neo] + [("org.neo4j.procedure", a, apoc_version, None) for a in APOC_ARTIFACTS],
                                      lib, plug),
            }
            manifest["plugins_fetch_s"] = round(time.monotonic() - t0, 1)
            manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return dist


def _manifest(dist: Path) -> dict:
    try:
        return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# ----------------------------------------------------------------------------------------- start


def _java(java: str | None) -> str:
    where = "the java argument" if java else "$JAVA_HOME/bin/java" if os.environ.get("JAVA_HOME") else "PATH"
    exe = java or (os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME")
                   else shutil.which("java"))
    if not exe or not os.access(exe, os.X_OK):
        raise Neo4jServerError(
            f"Cannot start Neo4j: no runnable `java` at {where} ({exe or 'not found'}). Fix: install a "
            "JDK 17 or 21 (Debian: `apt-get install openjdk-17-jre-headless`) or point JAVA_HOME at one.")
    proc = subprocess.run([exe, "-version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r'version "(\d+)', proc.stdout)
    major = int(m.group(1)) if m else 0
    if major < 17:
        raise Neo4jServerError(
            f"Cannot start Neo4j 5.26: {exe} is Java {major or '?'}, it needs Java 17 or 21. "
            "Fix: set JAVA_HOME to a JDK 17 or 21.")
    return exe


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _tail(path: Path | None, lines: int = 25) -> str:
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.rstrip().splitlines()[-lines:]) or "(log is empty)"


def _read_from(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _cause(log_text: str) -> str:
    """The most specific ``Caused by:`` line of a start-up failure (else the last log line)."""
    causes = [ln.strip() for ln in log_text.splitlines() if ln.strip().startswith("Caused by:")]
    lines = [ln.strip() for ln in log_text.splitlines() if ln.strip()]
    return (causes[-1] if causes else lines[-1] if lines else "unknown error")[:500]


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_our_server(pid: int, home: Path) -> bool:
    """True if ``pid`` is a JVM started on ``home`` (guards against a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid)  # no /proc: trust the pid
    return f"--home-dir={home}".encode() in cmdline


def _size_bytes(size: str) -> int:
    m = _SIZE.match(size)
    return int(m.group(1)) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[m.group(2).lower()]


def _memory(page_cache: str | None, heap) -> tuple[str, tuple[str, str]]:
    """Page cache and (initial, max) heap from the arguments, else the environment, else defaults.

    ``heap`` may be ``"2g"`` (max; the initial heap is 512m, or the max if smaller) or
    ``("512m", "2g")``; ``USEIT_NEO4J_HEAP`` takes ``2g`` or ``512m,2g``.

    Examples
    --------
    >>> _memory("1g", "2g")
    ('1g', ('512m', '2g'))
    >>> _memory(None, ("256m", "256m"))[1]
    ('256m', '256m')
    """
    where_pc = "the page_cache argument" if page_cache else "USEIT_NEO4J_PAGECACHE"
    page_cache = (page_cache or os.environ.get("USEIT_NEO4J_PAGECACHE") or DEFAULT_PAGE_CACHE).strip()
    where_heap = "the heap argument" if heap else "USEIT_NEO4J_HEAP"
    heap = heap or os.environ.get("USEIT_NEO4J_HEAP") or DEFAULT_HEAP
    if isinstance(heap, str):
        parts = [p.strip() for p in heap.split(",")]
        heap = tuple(parts) if len(parts) == 2 else (None, parts[0]) if len(parts) == 1 else ("?", "?")
    if _SIZE.match(heap[1] or "") and heap[0] is None:
        heap = (heap[1] if _size_bytes(heap[1]) < _size_bytes("512m") else "512m", heap[1])
    for where, value in ((where_pc, page_cache), (where_heap, heap[1]), (where_heap, heap[0])):
        if not _SIZE.match(value or ""):
            raise Neo4jServerError(
                f"{where}: {value!r} is not a memory size. Fix: use a number with k, m or g, e.g. "
                "page cache 1g, heap 2g (or 512m,2g for initial,max).")
    if _size_bytes(heap[0]) > _size_bytes(heap[1]):
        raise Neo4jServerError(f"{where_heap}: initial heap {heap[0]} is larger than the maximum {heap[1]}. "
                               "Fix: give initial,max with initial <= max.")
    return page_cache, (heap[0], heap[1])


def _write_conf(home: Path, port: int, plugins_dir: Path | None, page_cache: str = DEFAULT_PAGE_CACHE,
                heap: tuple[str, str] = DEFAULT_HEAP) -> None:
    conf = home / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    lines = [
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.import={home / 'import'}",
        f"server.directories.dumps.root={home / 'data' / 'dumps'}",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.bolt.enabled=true",
        "server.bolt.tls_level=DISABLED",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "dbms.routing.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.memory.pagecache.size={page_cache}",
        # documentation only: the entry point does not apply heap settings (see the java line)
        f"server.memory.heap.initial_size={heap[0]}",
        f"server.memory.heap.max_size={heap[1]}",
        "db.tx_log.rotation.retention_policy=1 files",
        # Bolt's Netty shutdown otherwise waits 2 x 5 s of quiet period on every stop
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        "internal.dbms.bolt.netty_server_shutdown_timeout=5",
    ]
    if plugins_dir is not None:
        lines += [f"server.directories.plugins={plugins_dir}",
                  "dbms.security.procedures.unrestricted=gds.*,apoc.*"]
    (conf / "neo4j.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _set_initial_password(java: str, lib: Path, home: Path, password: str) -> None:
    """Run ``neo4j-admin dbms set-initial-password`` with the password in a 0600 @-file, not argv."""
    argfile = home / ".initial-password"
    fd = os.open(argfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write('"' + password.replace("\\", "\\\\").replace('"', '\\"') + '"\n')
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    try:
        proc = subprocess.run(
            # "--" ends the options: a password beginning with "-" would otherwise be read as an
            # option (picocli expands the @-file first) and the tool exits 64, "Missing <password>"
            [java, "-Xmx256m", "-cp", f"{lib}/*", ADMIN_TOOL, "dbms", "set-initial-password", "--",
             f"@{argfile}"],
            env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=120)
    finally:
        argfile.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise Neo4jServerError(
            f"Setting the initial password with {ADMIN_TOOL} failed (exit {proc.returncode}). "
            "Fix: check the password (at least 8 characters) and that the jar cache is complete "
            f"(`scripts/neo4j-server fetch --refresh`).\n--- output ---\n{proc.stdout.strip()}")


def _write_state(info: ServerInfo, *, remember: bool = True) -> None:
    path = info.home / STATE_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(info.shell_lines())
    if not remember:
        return
    last = cache_root() / "last-home"
    with contextlib.suppress(OSError):
        last.parent.mkdir(parents=True, exist_ok=True)
        last.write_text(str(info.home) + "\n", encoding="utf-8")


def read_state(home: str | os.PathLike) -> ServerInfo:
    """Read the ``server.env`` that :func:`start` wrote in ``home``.

    Parameters
    ----------
    home : path-like
        The server's home.

    Returns
    -------
    ServerInfo

    Raises
    ------
    Neo4jServerError
        If there is no readable state file.
    """
    path = Path(home) / STATE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise Neo4jServerError(
            f"No server state at {path} ({exc.strerror}). Fix: pass the NEO4J_HOME printed by "
            "`scripts/neo4j-server start` (--home DIR).") from None
    env = {}
    for line in text.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            parts = shlex.split(value)
            env[key] = parts[0] if parts else ""
    if "NEO4J_URI" not in env or "NEO4J_PID" not in env or "NEO4J_HOME" not in env:
        raise Neo4jServerError(
            f"The server state {path} is incomplete (no NEO4J_URI, NEO4J_PID or NEO4J_HOME). Fix: "
            "stop the server by its pid if one runs, then remove that file.")
    return ServerInfo(
        uri=env["NEO4J_URI"], user=env.get("NEO4J_USER", USER), password=env.get("NEO4J_PASSWORD", ""),
        pid=int(env["NEO4J_PID"]), home=Path(env["NEO4J_HOME"]), port=int(env.get("NEO4J_PORT", 0)),
        version=env.get("NEO4J_VERSION", DEFAULT_VERSION), gds_available=env.get("NEO4J_GDS") == "1",
        apoc_available=env.get("NEO4J_APOC") == "1", owns_home=env.get("NEO4J_OWNS_HOME") == "1",
        log_file=Path(env["NEO4J_LOG"]) if env.get("NEO4J_LOG") else None)


def _driver_module():
    try:
        import neo4j  # noqa: PLC0415 - optional
    except ImportError:
        return None
    return neo4j


def _probe(neo4j, uri: str, password: str) -> tuple[str, dict[str, bool]]:
    """One readiness probe: 'ready', 'auth' (wrong password) or 'wait'; plus plugin checks."""
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(USER, password), connection_timeout=5) as drv:
            drv.verify_connectivity()
            drv.execute_query("RETURN 1", database_="neo4j")
            checks = {}
            for name, query in (("gds", "RETURN gds.version() AS v"), ("apoc", "RETURN apoc.version() AS v")):
                try:
                    drv.execute_query(query, database_="neo4j")
                    checks[name] = True
                except neo4j.exceptions.Neo4jError:
                    checks[name] = False
            return "ready", checks
    except neo4j.exceptions.AuthError:
        return "auth", {}
    except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired,
            neo4j.exceptions.TransientError, neo4j.exceptions.DatabaseUnavailable, OSError):
        return "wait", {}


def start(version: str = DEFAULT_VERSION, *, port: int | None = None,
          data_dir: str | os.PathLike | None = None, password: str | None = None,
          plugins: bool = True, timeout: float = START_TIMEOUT_S, java: str | None = None,
          heap: tuple[str, str] | str | None = None, page_cache: str | None = None) -> ServerInfo:
    """Start a Neo4j Community server on 127.0.0.1 and wait until Bolt answers.

    Fetches the jars first if they are not cached (see :func:`fetch`). The server runs detached in
    its own session, writing to ``<home>/neo4j-console.log``; :func:`stop` ends it.

    Parameters
    ----------
    version : str
        Neo4j version.
    port : int, optional
        Bolt port; a free one is picked by default (and re-picked if it was taken meanwhile).
    data_dir : path-like, optional
        The server's home (conf/, data/, logs/). Default: a new temporary folder that :func:`stop`
        removes. A given folder is kept by :func:`stop`, and a later start reuses its data and
        password.
    password : str, optional
        The ``neo4j`` user's password (8+ characters). Default: ``$NEO4J_PASSWORD``, else the one
        stored in ``data_dir`` by an earlier start, else a random one.
    plugins : bool
        Load GDS and APOC from the cache's ``plugins/`` if they were fetched.
    timeout : float
        Seconds to wait for Bolt.
    java : str, optional
        The java executable; default ``$JAVA_HOME/bin/java`` or ``java`` on PATH.
    heap : (str, str) or str, optional
        ``-Xms`` and ``-Xmx`` (``("512m", "2g")``), or only the maximum (``"2g"``). Default:
        ``$USEIT_NEO4J_HEAP`` (``2g`` or ``512m,2g``), else 512m / 1g.
    page_cache : str, optional
        ``server.memory.pagecache.size``, e.g. ``"1g"``. Default: ``$USEIT_NEO4J_PAGECACHE``,
        else 64m (otherwise Neo4j sizes it from the machine's RAM). Size it to the store for
        bulk loads (see ``bench/results/neo4j.md``).

    Returns
    -------
    ServerInfo

    Raises
    ------
    Neo4jServerError
        If the jars cannot be fetched, java is missing or too old, the port is taken, the JVM exits
        or Bolt does not answer within ``timeout``; the message ends with the log tail.
    """
    page_cache, heap = _memory(page_cache, heap)
    java_exe = _java(java)
    dist = fetch(version, plugins=plugins)
    lib = dist / "lib"
    manifest = _manifest(dist)
    plug_meta = manifest.get("plugins", {}) if plugins else {}
    plugins_dir = dist / "plugins"
    use_plugins = plugins and plugins_dir.is_dir() and any(plugins_dir.glob("*.jar"))

    owns_home = data_dir is None
    home = Path(tempfile.mkdtemp(prefix="useit-neo4j-")) if owns_home else Path(data_dir).resolve()
    home.mkdir(parents=True, exist_ok=True)
    log_file = home / LOG_FILE

    previous = read_state(home) if (home / STATE_FILE).exists() else None
    if previous is not None and _alive(previous.pid) and _is_our_server(previous.pid, home):
        raise Neo4jServerError(  # before the try: its state file must stay as it is
            f"A server is already running on {home} (pid {previous.pid}, {previous.uri}). "
            f"Fix: `scripts/neo4j-server stop --home {home}` first, or use another --data-dir.")
    info, password_set = None, False
    try:
        password = password or os.environ.get("NEO4J_PASSWORD") or (previous.password if previous else "")
        password = password or secrets.token_urlsafe(18)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise Neo4jServerError(
                f"The Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters. "
                "Fix: set a longer NEO4J_PASSWORD, or unset it for a random one.")
        # the system database is created at the first start; an offline import (import_database)
        # may already have written data/databases/neo4j before it
        first_start = not (home / "data" / "databases" / "system").exists()
        auto_port = port is None
        port_tries, plugin_error = 0, None
        while True:
            bolt_port = _free_port() if auto_port else int(port)
            if not auto_port and _port_open(bolt_port):
                raise Neo4jServerError(
                    f"Port {bolt_port} on 127.0.0.1 is already in use. Fix: choose another --port "
                    "or leave it out to pick a free one.")
            _write_conf(home, bolt_port, plugins_dir if use_plugins else None, page_cache, heap)
            if first_start and not password_set:
                _set_initial_password(java_exe, lib, home, password)
                password_set = True
            classpath = f"{lib}/*" + (f":{plugins_dir}/*" if use_plugins else "")
            cmd = [java_exe, f"-Xms{heap[0]}", f"-Xmx{heap[1]}", *JVM_FLAGS, "-cp", classpath,
                   ENTRY_POINT, f"--home-dir={home}", f"--config-dir={home / 'conf'}", "--console-mode"]
            env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
            env.pop("NEO4J_PASSWORD", None)
            log_start = log_file.stat().st_size if log_file.exists() else 0
            with open(log_file, "ab") as log:
                proc = subprocess.Popen(cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
            _CHILDREN[proc.pid] = proc
            info = ServerInfo(uri=f"bolt://127.0.0.1:{bolt_port}", user=USER, password=password,
                              pid=proc.pid, home=home, port=bolt_port, version=version,
                              owns_home=owns_home, log_file=log_file)
            _write_state(info)  # so `stop` can find a server that is still starting
            outcome, checks = _wait_ready(info, proc, timeout)
            if outcome == "ready":
                break
            attempt_log = _read_from(log_file, log_start)
            if outcome == "port" and auto_port and port_tries < 2:
                port_tries += 1
                continue  # someone took the picked port meanwhile: pick another
            if outcome == "port":
                raise Neo4jServerError(
                    f"Neo4j could not bind 127.0.0.1:{bolt_port} (address already in use). Fix: "
                    f"choose another --port or leave it out.\n--- {log_file} (tail) ---\n{_tail(log_file)}")
            if use_plugins:
                # a plugin that does not load must not take the server down: start without plugins
                plugin_error = _cause(attempt_log)
                use_plugins = False
                continue
            raise Neo4jServerError(
                f"Neo4j exited during start-up ({outcome}). Fix: read the log below (a bad setting, "
                "a corrupt jar cache -> `scripts/neo4j-server fetch --refresh`, or too little "
                f"memory).\n--- {log_file} (tail) ---\n{_tail(log_file)}")
        gds_ok = bool(plug_meta.get("gds", {}).get("available")) and use_plugins and checks.get("gds", True)
        apoc_ok = bool(plug_meta.get("apoc", {}).get("available")) and use_plugins and checks.get("apoc", True)
        info = replace(info, gds_available=gds_ok, apoc_available=apoc_ok, plugin_error=plugin_error)
        _write_state(info)
        return info
    except BaseException:
        # leave nothing behind: kill what we started, remove a temporary home
        for pid, child in list(_CHILDREN.items()):
            if child.poll() is None and _is_our_server(pid, home):
                _terminate(pid, 10.0)
        if owns_home:
            if not os.environ.get("USEIT_NEO4J_KEEP_FAILED"):
                shutil.rmtree(home, ignore_errors=True)
        elif previous is not None:
            _write_state(replace(previous, pid=0), remember=False)  # keep the password that works
        elif password_set and info is not None:
            _write_state(replace(info, pid=0), remember=False)  # the password set on this data dir
        raise


def _wait_ready(info: ServerInfo, proc: subprocess.Popen, timeout: float) -> tuple[str, dict]:
    """Poll until Bolt answers: 'ready', 'port' (bind failed) or 'exit code N'; raise on timeout."""
    neo4j = _driver_module()
    deadline = time.monotonic() + timeout
    log = info.log_file
    while True:
        code = proc.poll()
        if code is not None:
            _CHILDREN.pop(proc.pid, None)
            text = _tail(log, 80)
            if "Address already in use" in text or "BindException" in text:
                return "port", {}
            return f"exit code {code}", {}
        if _port_open(info.port):
            if neo4j is None:
                if "Started." in _tail(log, 200):
                    return "ready", {}
            else:
                outcome, checks = _probe(neo4j, info.uri, info.password)
                if outcome == "ready":
                    return "ready", checks
                if outcome == "auth":
                    _terminate(proc.pid, 30.0)
                    raise Neo4jServerError(
                        f"Neo4j started on {info.home} but rejected the password (its data were "
                        "created with another one). Fix: set NEO4J_PASSWORD to that password, or "
                        "use a fresh --data-dir.")
        if time.monotonic() > deadline:
            _terminate(proc.pid, 30.0)
            raise Neo4jServerError(
                f"Neo4j did not answer on {info.uri} within {timeout:.0f} s, so it was stopped. Fix: "
                "allow more time (--timeout) on a slow machine, or read the log below.\n"
                f"--- {log} (tail) ---\n{_tail(log)}")
        time.sleep(0.5)


# ------------------------------------------------------------------------------------------ stop


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM the server's process group, SIGKILL after ``timeout``; True if it exited cleanly."""
    def signal_group(sig: int) -> None:
        try:
            os.killpg(pid, sig)  # start_new_session=True made the JVM a group leader
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    clean = True
    if _alive(pid):
        signal_group(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            clean = False
            signal_group(signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
    return clean


def stop(info: ServerInfo | str | os.PathLike, *, timeout: float = STOP_TIMEOUT_S,
         remove: bool | None = None) -> bool:
    """Stop a server started by :func:`start` and remove its temporary home.

    Parameters
    ----------
    info : ServerInfo or path-like
        The server, or its home (its ``server.env`` is read).
    timeout : float
        Seconds to wait after SIGTERM before SIGKILL.
    remove : bool, optional
        Remove the home; default: only a temporary home that :func:`start` created.

    Returns
    -------
    bool
        True if the server was running and exited on SIGTERM (False if it had to be killed or was
        not running).
    """
    if not isinstance(info, ServerInfo):
        home = Path(info)
        if not (home / STATE_FILE).exists():
            raise Neo4jServerError(
                f"No server state at {home / STATE_FILE}. Fix: pass the NEO4J_HOME printed by "
                "`scripts/neo4j-server start` (--home DIR).")
        info = read_state(home)
    clean = False
    if _alive(info.pid) and _is_our_server(info.pid, info.home):
        clean = _terminate(info.pid, timeout)
    _CHILDREN.pop(info.pid, None)
    if remove if remove is not None else info.owns_home:
        shutil.rmtree(info.home, ignore_errors=True)
    else:
        # keep the state (pid 0) so a later start on this data dir reuses the password
        with contextlib.suppress(OSError):
            fd = os.open(info.home / STATE_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(replace(info, pid=0).shell_lines())
    last = cache_root() / "last-home"
    with contextlib.suppress(OSError):
        if last.read_text(encoding="utf-8").strip() == str(info.home):
            last.unlink()
    return clean


_IMPORT_NOISE = re.compile(r"^\s*(at |\.{10} |\.\.\. \d+ more)")


def check_importable(home: str | os.PathLike, database: str = "neo4j", *, overwrite: bool = False) -> bool:
    """Refuse an import that would fail or lose data; return whether `database` exists already.

    Raises
    ------
    Neo4jServerError
        The server on `home` is running, `database` is not a Neo4j name, or it exists and
        `overwrite` is false.
    """
    home = Path(home).resolve()
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9.-]{2,62}", database):
        raise Neo4jServerError(f"{database!r} is not a Neo4j database name (3-63 letters, digits, '.', '-')")
    if (home / STATE_FILE).exists():
        info = read_state(home)
        if info.pid > 0 and _alive(info.pid) and _is_our_server(info.pid, home):
            raise Neo4jServerError(
                f"The server on {home} is running (pid {info.pid}); the import tool writes the store "
                f"files directly. Fix: `scripts/neo4j-server stop --home {home}`, import, then start "
                "it again (or load through the running server with `useit neo4j load`).")
    store = Path(home).resolve() / "data" / "databases" / database
    existed = store.exists() and any(store.iterdir())
    if existed and not overwrite:
        raise Neo4jServerError(
            f"{home} already has a database {database!r} (perhaps empty, made at the first start). "
            "The import replaces a database as a whole. Fix: pass --overwrite to replace it and "
            "every dataset in it, or add this dataset with `useit neo4j load`.")
    return existed


def import_database(home: str | os.PathLike, arguments: list[str], *, database: str = "neo4j",
                    overwrite: bool = False, version: str = DEFAULT_VERSION, java: str | None = None,
                    heap: str = "1g", timeout: float | None = None) -> dict:
    """Run ``neo4j-admin database import full`` on a stopped server's home (offline bulk import).

    Validates before anything is written: the server on `home` must not be running, and a
    database that already exists there is only replaced with ``overwrite`` (all of it: every
    dataset in it). If the import itself fails on a database that did not exist before, its
    partial store is removed, so the next attempt starts clean.

    Parameters
    ----------
    home : path-like
        The server's home (``scripts/neo4j-server start --data-dir HOME``; a new folder is fine:
        the first :func:`start` on it then sets the password and creates the system database).
    arguments : list of str
        The import options, e.g. ``ImportFiles.arguments()`` from :mod:`.neo4j_import`.
    database : str
        Database to create; Community serves one user database, ``neo4j``.
    overwrite : bool
        Replace an existing `database` (``--overwrite-destination``).
    version, java : str, optional
        As for :func:`start` (the jars come from the same cache).
    heap : str
        ``-Xmx`` of the import tool (it keeps its large buffers off heap).
    timeout : float, optional
        Seconds before the import is stopped.

    Returns
    -------
    dict
        ``seconds`` (wall time of the import tool) and ``summary`` (its "IMPORT DONE ..." lines).

    Raises
    ------
    Neo4jServerError
        The server is running, the database exists (without `overwrite`), the database name is
        not a Neo4j name, or the import tool failed (its cause, without the Java stack).
    """
    home = Path(home).resolve()
    existed = check_importable(home, database, overwrite=overwrite)
    store = home / "data" / "databases" / database
    java_exe = _java(java)
    lib = fetch(version, plugins=False) / "lib"
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").touch()
    report = home / "logs" / f"import-{database}.report"
    report.parent.mkdir(parents=True, exist_ok=True)
    cmd = [java_exe, f"-Xmx{heap}", "-cp", f"{lib}/*", ADMIN_TOOL, "database", "import", "full",
           database, *arguments, f"--report-file={report}", "--verbose"]
    if overwrite:
        cmd.append("--overwrite-destination=true")
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    env.pop("NEO4J_PASSWORD", None)
    began = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc = None
    seconds = time.perf_counter() - began
    output = proc.stdout if proc is not None else ""
    if proc is None or proc.returncode != 0 or "IMPORT DONE" not in output:
        if not existed:
            shutil.rmtree(store, ignore_errors=True)
            shutil.rmtree(home / "data" / "transactions" / database, ignore_errors=True)
        lines = [ln for ln in output.splitlines() if ln.strip() and not _IMPORT_NOISE.match(ln)]
        why = "it ran past the timeout" if proc is None else f"exit {proc.returncode}"
        raise Neo4jServerError(
            f"neo4j-admin database import into {home} failed ({why}). "
            + ("The partial store was removed; " if not existed else "")
            + f"see {report} for bad entries.\n--- output (tail) ---\n" + "\n".join(lines[-15:]))
    done = output[output.index("IMPORT DONE"):].splitlines()
    return {"seconds": seconds, "summary": [ln.strip() for ln in done[:6] if ln.strip()]}


def status(home: str | os.PathLike) -> tuple[ServerInfo, bool]:
    """The server recorded in ``home`` and whether its JVM is running.

    Parameters
    ----------
    home : path-like

    Returns
    -------
    (ServerInfo, bool)
    """
    info = read_state(home)
    return info, info.pid > 0 and _alive(info.pid) and _is_our_server(info.pid, info.home)


def last_home() -> Path | None:
    """The home of the server most recently started (and not yet stopped) on this machine, if any."""
    try:
        text = (cache_root() / "last-home").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None
