"""Find entities by name: fuzzy, case- and accent-insensitive, with "did you mean".

Every command that takes an entity goes through :func:`resolve_entity`; ``useit find`` shows the
ranking of :func:`find_entities`. Names are the node's ``label``, its ``alt_labels`` (acronyms such
as "iSE", "SWBH") and the local name of its IRI (``warm-earth``).

Ranking, best first (scores are 0-100):

====  ===========================================================================
100   the text equals a name after normalisation (case, accents, punctuation)
 97   the text equals the initials of the label ("WE" for "Warm Earth")
 90+  the text is a whole-word prefix of a name ("warm" for "Warm Earth"): 90 + 10 * share
 <90  rapidfuzz ``fuzz.WRatio`` of the normalised strings, times 0.89
====  ===========================================================================

The fuzzy tier follows rapidfuzz's weighted ratio [1]_ (a Levenshtein ratio [2]_ combined with
token-sort, token-set and partial ratios), scaled below the exact tiers so that an exact or
acronym match always outranks a fuzzy one.

References
----------
.. [1] Bachmann, M. rapidfuzz: rapid fuzzy string matching, ``fuzz.WRatio``.
   https://rapidfuzz.github.io/RapidFuzz/Usage/fuzz.html
.. [2] Levenshtein, V. I. (1966). Binary codes capable of correcting deletions, insertions and
   reversals. *Soviet Physics Doklady* 10(8), 707-710.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz import fuzz, process

from .errors import AmbiguousEntity, UnknownEntity
from .namespaces import PREFIXES, curie

__all__ = ["normalise", "initials", "find_entities", "resolve_entity", "Record", "graph_records",
           "rank_records", "resolve_record", "NameIndex", "name_index", "ACCEPT_SCORE", "FUZZY_MAX"]

#: A fuzzy best match at or above this score, alone at the top, is taken as the entity.
ACCEPT_SCORE = 88.0
#: Matches below this score are not shown.
MIN_SCORE = 50.0
_STOP = {"and", "of", "the", "for", "in", "at", "on", "a", "an", "to", "&"}
_FIELD_WORDS = {"label": "label", "alt_label": "alternative label", "id": "identifier"}


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces.

    Examples
    --------
    >>> normalise("Café  Crème")
    'cafe creme'
    >>> normalise("iSE")
    'ise'
    >>> normalise("warm-earth")
    'warm earth'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def initials(label: str) -> str:
    """Initials of a label's words, leaving out short function words.

    Examples
    --------
    >>> initials("Sandwell and West Birmingham Hospitals")
    'swbh'
    """
    return "".join(w[0] for w in normalise(label).split() if w not in _STOP)


@dataclass(frozen=True)
class Record:
    """One searchable resource: IRI, label, alternative labels and (for display) its type."""

    iri: str
    label: str
    alt_labels: tuple = ()
    type: str = ""


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def graph_records(G) -> list[Record]:
    """Searchable records for the nodes of a projected graph."""
    return [Record(str(n), str(d.get("label") or _local(str(n))), tuple(d.get("alt_labels") or ()),
                   str(d.get("type") or "")) for n, d in G.nodes(data=True)]


def _names(rec: Record):
    yield "label", rec.label
    for a in rec.alt_labels:
        yield "alt_label", a
    yield "id", _local(rec.iri)


#: The highest score a fuzzy match can get (WRatio 100 x 0.89); exact, whole-word and initials
#: matches all score above it, so when one of them exists no fuzzy match can reach the top.
FUZZY_MAX = 89.0


class NameIndex:
    """Records with their names normalised once, for repeated ranking and resolution.

    Normalising every label on every call costs about 2 s at 10^5 entities; an index built once
    (:func:`name_index` caches one per graph) makes each later lookup a dictionary probe, plus one
    fuzzy pass over the names only when no exact, whole-word or initials match exists, or when the
    whole ranking is asked for (``useit find``, "did you mean").

    Parameters
    ----------
    records : iterable of Record
    """

    def __init__(self, records: Iterable[Record]):
        self.records = list(records)
        self.iris = {r.iri for r in self.records}
        self.choices: list[str] = []
        self.owners: list[tuple] = []
        self.by_name: dict[str, list[int]] = {}
        self.by_initials: dict[str, list[int]] = {}
        for i, rec in enumerate(self.records):
            for field, name in _names(rec):
                n = normalise(name)
                if not n:
                    continue
                self.by_name.setdefault(n, []).append(len(self.choices))
                self.choices.append(n)
                self.owners.append((i, name, field))
            self.by_initials.setdefault(initials(rec.label), []).append(i)

    def rank(self, text: str, limit: int | None = 10, *, fuzzy: bool | None = True) -> list[dict]:
        """Rank the records against ``text``; see the module docstring for the scores.

        Parameters
        ----------
        text : str
        limit : int or None
        fuzzy : bool or None
            ``True``: every match. ``None``: only what can reach the top: nothing else once an
            exact name matches (100), and fuzzy matches only when no exact, whole-word or
            initials match scores above :data:`FUZZY_MAX`. The top of the ranking is the same
            either way (what :func:`resolve_record` needs).

        Returns
        -------
        list of dict
            ``iri``, ``curie``, ``label``, ``type``, ``score`` (0-100), ``matched`` (the name that
            matched), ``why`` (an explanation), best first; ties broken by label then IRI.
        """
        q = normalise(text)
        if not q:
            return []
        best: dict[int, tuple] = {}

        def offer(i, score, name, why):
            cur = best.get(i)
            if cur is None or score > cur[0]:
                best[i] = (score, name, why)

        for j in self.by_name.get(q, ()):
            i, name, field = self.owners[j]
            offer(i, 100.0, name, f"exact {_FIELD_WORDS[field]}")
        if fuzzy is None and best:  # an exact name (100) outranks every other kind of match
            return self._rows(best, limit)
        head, tail = q + " ", " " + q
        for j, n in enumerate(self.choices):
            if n != q and (n.startswith(head) or n.endswith(tail)):
                i, name, field = self.owners[j]
                share = len(q) / len(n)
                offer(i, round(90 + 10 * share, 1), name, f"whole words of {_FIELD_WORDS[field]} ({share:.0%} of it)")
        if " " not in q and len(q) >= 2:
            for i in self.by_initials.get(q, ()):
                offer(i, 97.0, self.records[i].label, "initials of the label")
        if fuzzy or (fuzzy is None and not any(b[0] > FUZZY_MAX for b in best.values())):
            for _choice, score, j in process.extract(q, self.choices, scorer=fuzz.WRatio, processor=None,
                                                     limit=None, score_cutoff=MIN_SCORE / 0.89):
                i, name, field = self.owners[j]
                offer(i, round(score * 0.89, 1), name, f"fuzzy match on {_FIELD_WORDS[field]} (WRatio {score:.0f})")
        return self._rows(best, limit)

    def _rows(self, best: dict, limit: int | None) -> list[dict]:
        rows = []
        for i, (score, name, why) in best.items():
            if score < MIN_SCORE:
                continue
            rec = self.records[i]
            rows.append({"iri": rec.iri, "curie": curie(rec.iri), "label": rec.label, "type": rec.type,
                         "score": score, "matched": name, "why": why})
        rows.sort(key=lambda r: (-r["score"], normalise(r["label"]), r["iri"]))
        return rows if limit is None else rows[:limit]


_GRAPH_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def name_index(G) -> NameIndex:
    """The :class:`NameIndex` of a projected graph's nodes, built once per graph.

    Rebuilt when the graph's node count changes (treat projected graphs as read-only).
    """
    cached = _GRAPH_INDEXES.get(G)
    if cached is None or cached[0] != G.number_of_nodes():
        cached = (G.number_of_nodes(), NameIndex(graph_records(G)))
        _GRAPH_INDEXES[G] = cached
    return cached[1]


def rank_records(records: Iterable[Record] | NameIndex, text: str, limit: int | None = 10) -> list[dict]:
    """Rank records against ``text`` (every match, fuzzy ones included); see :meth:`NameIndex.rank`."""
    index = records if isinstance(records, NameIndex) else NameIndex(records)
    return index.rank(text, limit)


def find_entities(G, text: str, limit: int = 10) -> list[dict]:
    """Fuzzy search of the graph's entities by label, alternative label and identifier.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Projected graph (``project_graph``); node attributes ``label``, ``alt_labels``, ``type``.
    text : str
        What the user typed: a name, an acronym ("SWBH", "iSE"), part of a name.
    limit : int, optional (default=10)
        Most candidates to return.

    Returns
    -------
    list of dict
        ``iri``, ``curie``, ``label``, ``type``, ``score``, ``matched``, ``why``; best first.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:x:cafe", label="Café Crème", alt_labels=["CC"], type="SocialEnterprise")
    >>> [(r["label"], r["score"], r["why"]) for r in find_entities(G, "cafe creme")]
    [('Café Crème', 100.0, 'exact label')]
    """
    return name_index(G).rank(text, limit)


def _expand(text: str) -> str | None:
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.-]*://", text) or text.startswith("urn:"):
        return text
    m = re.match(r"^([A-Za-z][\w.-]*):([^\s/][^\s]*)$", text)
    if m and m.group(1) in PREFIXES:
        return PREFIXES[m.group(1)] + m.group(2)
    return None


def resolve_record(records: Iterable[Record] | NameIndex, text: str, what: str = "entity") -> str:
    """Resolve a full IRI, a CURIE (``bham:warm-earth``) or a name to one record's IRI.

    Raises
    ------
    UnknownEntity
        Nothing matches well enough; ``candidates`` holds the "did you mean" list.
    AmbiguousEntity
        Several records match equally well.
    """
    index = records if isinstance(records, NameIndex) else NameIndex(records)
    iri = _expand(str(text))
    if iri is not None:
        if iri in index.iris:
            return iri
        ranked = index.rank(_local(iri), 5)
        raise UnknownEntity(
            f"{what} not found: {curie(iri)} is not in the data" + _did_you_mean(ranked),
            candidates=[r["curie"] for r in ranked],
            hint=f"run `useit find {_local(iri)}` to search by name")
    ranked = index.rank(text, None, fuzzy=None)  # fuzzy matches cannot change an accepted top
    if not ranked or ranked[0]["score"] < ACCEPT_SCORE:
        raise UnknownEntity(f"{what} not found: no {what} is called {text!r}" + _did_you_mean(ranked[:5]),
                            candidates=[r["curie"] for r in ranked[:5]],
                            hint=f"run `useit find {text!r}` to see the candidates, or pass a CURIE")
    top = [r for r in ranked if r["score"] == ranked[0]["score"]]
    if len(top) > 1:
        raise AmbiguousEntity(
            f"{what} {text!r} is ambiguous: {len(top)} match equally well" + _did_you_mean(top[:8]),
            candidates=[r["curie"] for r in top],
            hint="pass one of them as a CURIE (e.g. " + top[0]["curie"] + ")")
    return ranked[0]["iri"]


def _did_you_mean(rows) -> str:
    if not rows:
        return ""
    return "; did you mean: " + ", ".join(f"{r['label']} ({r['curie']})" for r in rows) + "?"


def resolve_entity(G, text: str) -> str:
    """The IRI of the graph node that ``text`` names.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Projected graph.
    text : str
        A full IRI, a CURIE with a project prefix (``bham:warm-earth``) or a name, acronym or
        identifier, matched as in :func:`find_entities`.

    Returns
    -------
    str
        The node's IRI.

    Raises
    ------
    UnknownEntity
        No node matches well enough (score < ``ACCEPT_SCORE``); the message and ``candidates``
        list the closest names ("did you mean").
    AmbiguousEntity
        Several nodes share the best score (for example one acronym for two organisations).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("https://w3id.org/useit-graph/id/birmingham/ise", label="iSE", alt_labels=[])
    >>> resolve_entity(G, "ISE")
    'https://w3id.org/useit-graph/id/birmingham/ise'
    >>> resolve_entity(G, "bham:ise")
    'https://w3id.org/useit-graph/id/birmingham/ise'
    """
    return resolve_record(name_index(G), text)
