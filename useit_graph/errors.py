"""Errors a user can meet, one class per failure.

Every error carries an ``exit_code`` for the CLI, a ``hint`` (the fix) and an optional ``link`` to the
docs. Messages say what happened, where (file:line, sheet!row:column or the entity as a CURIE) and
the fix. The library raises; only ``cli.py`` prints and exits.
"""

from __future__ import annotations


class UseitGraphError(Exception):
    """Base class for every error useit-graph raises on purpose.

    Parameters
    ----------
    message : str
        What happened and where.
    hint : str, optional
        How to fix it.
    link : str, optional
        A docs page that explains more.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, link: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.link = link

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f"\n  Fix: {self.hint}"
        if self.link:
            text += f"\n  See: {self.link}"
        return text


class SeedSyntaxError(UseitGraphError):
    """An RDF file does not parse (the message names file and line)."""


class RdfFileError(SeedSyntaxError):
    """An RDF file cannot be read, decoded or parsed, with the parts as data.

    ``file`` and ``line`` (None when unknown) say where, ``problem`` what is wrong (with the parser's
    own cause, e.g. ``Prefix "rdfs:" not bound``) and ``hint`` the fix, so that ``useit validate
    --json`` can report the error as a finding.
    """

    def __init__(self, message, file=None, line=None, problem="", hint=None, link=None):
        super().__init__(message, hint, link)
        self.file = file
        self.line = line
        self.problem = problem or message


class SeedsDoNotConform(UseitGraphError):
    """The data does not conform to the SHACL shapes; ``findings`` holds every finding."""

    def __init__(self, message, findings=(), hint=None, link=None):
        super().__init__(message, hint, link)
        self.findings = list(findings)


class ImportFileError(UseitGraphError):
    """A spreadsheet (CSV/XLSX) cannot be imported; ``problems`` lists every problem found."""

    def __init__(self, message, problems=(), hint=None, link=None):
        super().__init__(message, hint, link)
        self.problems = list(problems)


class UnknownTerm(UseitGraphError):
    """A type, property or concept name is not in the ontology."""


class UnknownEntity(UseitGraphError):
    """No entity matches a name; ``candidates`` holds "did you mean" suggestions."""

    def __init__(self, message, candidates=(), hint=None, link=None):
        super().__init__(message, hint, link)
        self.candidates = list(candidates)


class AmbiguousEntity(UnknownEntity):
    """Several entities match a name equally well."""


class UnknownQuery(UseitGraphError):
    """No named query has this name."""


class MissingQueryParameter(UseitGraphError):
    """A named query was run without one of its declared parameters."""


class MissingNodeAttribute(UseitGraphError):
    """A node lacks an attribute a measure needs (the message names the node)."""


class StoreUnavailable(UseitGraphError):
    """A store (Neo4j, an Oxigraph directory) cannot be reached or opened."""


class UsageError(UseitGraphError):
    """The caller passed inconsistent options."""

    exit_code = 2
