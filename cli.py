"""useit: the command-line interface of useit-graph.

Commands live in ``useit_graph/commands/*.py``; each module exposes ``COMMANDS``, a list of click
commands, and this file registers them. ``python cli.py ...`` and the ``useit`` console script are the
same program. Exit codes: 0 OK; 1 a ``UseitGraphError`` (including data that does not conform);
2 usage error.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

import useit_graph
import useit_graph.commands as _commands
from useit_graph.errors import UseitGraphError


class _Group(click.Group):
    """A click group that turns library errors into one clear message and the right exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UseitGraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)

    def list_commands(self, ctx):
        return sorted(self.commands)


#: Every command accepts ``-h`` as well as ``--help``. click (>= 8.1.8) caches a command's help option
#: the first time it is built, from whichever context invoked it, so the setting is put on each
#: command itself (``_register``) rather than inherited from the group's context.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(useit_graph.__version__, prog_name="useit")
def main():
    """Community assets and brokering relationships as a knowledge graph.

    Runs on the embedded USE-IT! Birmingham seed data by default (in process, no server).

    \b
    Examples:
      useit demo                      # validate, build, measure, report and map the seed data
      useit validate                  # SHACL-validate ontology + seeds
      useit summary --json            # counts by type, tier and tie
      useit links "Warm Earth" "Birmingham City Council"
    """


def _with_context_settings(command: click.Command) -> None:
    command.context_settings = {**CONTEXT_SETTINGS, **command.context_settings}
    for sub in getattr(command, "commands", {}).values():
        _with_context_settings(sub)


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(_commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_commands.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            _with_context_settings(command)
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
