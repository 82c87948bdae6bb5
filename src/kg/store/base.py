"""The one Store interface every backend implements, what it can do, and what writes report."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, Literal

import pyoxigraph as ox

from kg.errors import KgError
from kg.formats import Format
from kg.namespaces import LOADED_GRAPH_PREFIX
from kg.query.engines import Engine
from kg.store.restricted import merged

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
View = Literal["public", "full"]
#: Called by long operations with (units done, units in all, what is being done).
Progress = Callable[[int, int, str], None]


class StoreError(KgError):
    """Something the user can fix: the message is one line, naming the file or setting."""


class StoreLockedError(StoreError):
    """Another kg process is writing to the store."""


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, so callers ask instead of probing.

    restricted: it keeps a restricted partition beside the public one (a `full` view);
    a store without one refuses restricted data.
    killable_queries: its public queries run in a process that is killed at the deadline.
    protocol_dataset: it honours the SPARQL Protocol's default-graph-uri/named-graph-uri.
    persistent: its data outlives the process.
    embedded: its partitions are pyoxigraph stores in this process, which a check of a write
    reads directly (`GraphWrite.basis`): `kg import`'s SHACL gate needs that.
    """

    restricted: bool
    killable_queries: bool
    protocol_dataset: bool
    persistent: bool
    embedded: bool


@dataclass
class LoadReport:
    """What the store holds after a write: public quads and graphs, restricted quads moved."""

    files: int = 0
    quads: int = 0
    graphs: list[str] = field(default_factory=list)
    restricted_quads: int = 0


@dataclass(frozen=True)
class LoadSource:
    """One file to load, with its format and the graph its graph-less triples go to."""

    path: Path
    format: Format
    graph: str


@dataclass
class Changes:
    """What a write changed: quads added and removed (both partitions), for reports and for
    validating only what a write touched."""

    added: list[ox.Quad] = field(default_factory=list)
    removed: list[ox.Quad] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


class Partitions:
    """The public and restricted pyoxigraph stores of one dataset, and what a write changed.

    A write's `check` sees the new dataset as this, before it is published, and raises to
    abort. `full` (public and restricted together) is built only when asked for: it is a
    copy when anything is restricted.
    """

    def __init__(self, public: ox.Store, restricted: ox.Store,
                 changes: Changes | None = None) -> None:
        self.public = public
        self.restricted = restricted
        #: None for a whole load or build (everything is new).
        self.changes = changes

    @cached_property
    def full(self) -> ox.Store:
        return merged(self.public, self.restricted)

    def view(self, view: View) -> ox.Store:
        return self.public if view == "public" else self.full


#: Called on the staged dataset before it replaces the live one; raise to abort.
Check = Callable[[Partitions], None]


class StoreChangedError(StoreError):
    """A write worked out against one version found the store at another (another writer
    came in between); nothing was written."""


def graph_quads(graph: ox.NamedNode, triples: Iterable[ox.Quad | ox.Triple]
                ) -> dict[ox.Quad, None]:
    """Triples as quads of `graph`, each once, in the order given (a dict as an ordered
    set: passes over 200k quads in hash order run at half the speed, scattered through
    memory); quads already in it are taken as they are (building a Quad costs more than
    checking one)."""
    out: dict[ox.Quad, None] = {}
    for t in triples:
        if isinstance(t, ox.Quad) and t.graph_name == graph:
            out[t] = None
        else:
            out[ox.Quad(t.subject, t.predicate, t.object, graph)] = None
    return out


class GraphWrite(Mapping[str, list[ox.Quad]]):
    """A `replace_graphs` worked out ahead (`Store.diff_graphs`): the graphs' new content,
    and the exact quads writing it adds and removes against the store's `version`.

    It is a mapping of the new content, so every backend's `replace_graphs` accepts it; the
    embedded ones then write exactly `changes` without working them out again, or refuse
    with StoreChangedError if the store is no longer at `version`. Callers can report on
    and check a write before making it, and the write happens once. `basis` is the dataset
    the difference was taken against (the embedded stores' partitions, else None): data the
    write does not touch can be read there before the write, for checks. `fresh`: IRI
    prefixes under which, as the writer has made sure, `basis` names nothing (the IRIs an
    import's first run mints), so checks need not look for such nodes there. `on_write`:
    called as the embedded stores start adding the new quads (a check of the write that
    runs beside it starts then, so that it does not hold up the write's own start)."""

    def __init__(self, version: str, content: dict[str, list[ox.Quad]], changes: Changes,
                 basis: Partitions | None = None, fresh: tuple[str, ...] = ()) -> None:
        self.version = version
        self.content = content
        self.changes = changes
        self.basis = basis
        self.fresh = fresh
        self.on_write: list[Callable[[], None]] = []

    def writing(self) -> None:
        """The write has begun (see `on_write`)."""
        for call in self.on_write:
            call()

    def __getitem__(self, graph: str) -> list[ox.Quad]:
        return self.content[graph]

    def __iter__(self):
        return iter(self.content)

    def __len__(self) -> int:
        return len(self.content)

    def joined(self, other: GraphWrite) -> GraphWrite:
        """This write and `other` (of other graphs) as one, if both were worked out against
        the same version."""
        if other.version != self.version or set(other.content) & set(self.content):
            raise StoreChangedError("the store changed between two parts of one write "
                                    "(another writer); nothing was written — run it again")
        joined = GraphWrite(self.version, {**self.content, **other.content},
                            Changes(self.changes.added + other.changes.added,
                                    self.changes.removed + other.changes.removed), self.basis,
                            self.fresh + other.fresh)
        joined.on_write = self.on_write + other.on_write
        return joined


def difference(graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]],
               old: Callable[[ox.NamedNode], Iterable[ox.Quad]]
               ) -> tuple[dict[str, list[ox.Quad]], Changes]:
    """Each graph's new quads, and what replacing `old(graph)` by them adds and removes."""
    content: dict[str, list[ox.Quad]] = {}
    changes = Changes()
    for graph, triples in graphs.items():
        node = ox.NamedNode(check_graph_iri(graph))
        new = graph_quads(node, triples)
        before = set(old(node))
        content[graph] = list(new)
        changes.added.extend(q for q in new if q not in before)
        changes.removed.extend(before - new.keys())
    return content, changes


_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def check_graph_iri(iri: str) -> str:
    """Refuse graph names that are not absolute IRIs, before anything is written."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or _IRI_BAD.search(iri):
        raise StoreError(f"invalid graph IRI {iri!r}: expected an absolute IRI such as "
                         f"{LOADED_GRAPH_PREFIX}my-file")
    return iri


def default_graph_for(path: Path) -> str:
    """The public graph that triples without a graph in `path` are loaded into."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "file"
    return LOADED_GRAPH_PREFIX + stem


def bind_values(sparql: str, substitutions: dict | None) -> str:
    """Bind variables with a trailing VALUES clause (SPARQL 1.1 §18.2.4.3), never by pasting.

    Terms are written by pyoxigraph in N-Triples syntax, so a value cannot break out of its
    literal; unlike pyoxigraph's `substitutions=`, this works on every backend and does not
    need the variable to be projected.
    """
    if not substitutions:
        return sparql
    names = " ".join(f"?{v.value}" for v in substitutions)
    values = " ".join(str(t) for t in substitutions.values())
    return f"{sparql}\nVALUES ({names}) {{ ({values}) }}\n"


class Store(ABC):
    """An RDF dataset split into a public and a restricted partition.

    The public partition is what the endpoint, pages and dumps serve; its SPARQL default
    graph is the union of its named graphs. The full view adds the restricted partition,
    for validation and administration only.
    """

    kind: str = "abstract"
    capabilities: Capabilities

    @abstractmethod
    def query(self, sparql: str, *, view: View = "public",
              substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal | ox.BlankNode]
              | None = None) -> QueryResult:
        """Evaluate a SPARQL query with the union of the view's graphs as default graph."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Apply a SPARQL Update to the public partition, atomically."""

    @abstractmethod
    def load(self, sources: Sequence[LoadSource], *, replace: bool = False,
             check: Check | None = None, progress: Progress | None = None,
             compact: bool = False) -> LoadReport:
        """Load files all or nothing; `replace` starts from an empty dataset (kg build);
        `compact` reorganises an on-disk store for reading afterwards (others ignore it)."""

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]], *,
                       check: Check | None = None) -> Changes:
        """Make each named graph hold exactly the given triples (in both partitions:
        restricted data is routed as on load), all or nothing; quads' own graph names are
        ignored. Returns what changed; writing the same content again changes nothing.
        `graphs` may be a GraphWrite from `diff_graphs`: its changes are then written as
        they are, if the store is still at the version they were worked out against."""

    def diff_graphs(self, graphs: Mapping[str, Iterable[ox.Quad | ox.Triple]]) -> GraphWrite:
        """What `replace_graphs(graphs)` would change now, worked out without writing: each
        graph's current content read once (here by a query of the full view, where there is
        one: a store without a restricted partition holds only the public view)."""
        version = self.version
        view: View = "full" if self.capabilities.restricted else "public"

        def old(node: ox.NamedNode) -> Iterable[ox.Quad]:
            rows = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}",
                              view=view)
            return (ox.Quad(r["s"], r["p"], r["o"], node) for r in rows)

        content, changes = difference(graphs, old)
        return GraphWrite(version, content, changes)

    @abstractmethod
    def named_graphs(self, view: View = "public") -> list[str]:
        """IRIs of the named graphs in the view."""

    @abstractmethod
    def quads(self, view: View = "public") -> Iterable[ox.Quad]:
        """Every quad of the view, streamed."""

    @abstractmethod
    def count(self, view: View = "public") -> int:
        """Number of quads in the view."""

    def restricted_since(self, version: str) -> bool:
        """Whether anything public in the earlier `version` (as `version` gave it) is
        restricted now, so that a value computed then may show too much; True when that
        cannot be told. Caches keep serving a previous version's values only when False."""
        return True

    @property
    @abstractmethod
    def version(self) -> str:
        """Changes whenever the data does, so caches can key on it."""

    @property
    @abstractmethod
    def identity(self) -> str:
        """Names this store (not its version): which files of a shared cache are its own."""

    @abstractmethod
    def query_engine(self) -> Engine:
        """The engine that evaluates public queries for the SPARQL endpoint."""

    def dataset(self, view: View = "full") -> ox.Store:
        """The view as a pyoxigraph Store, for pySHACL and quote checks (a copy if remote)."""
        copy = ox.Store()
        copy.bulk_extend(self.quads(view))
        return copy

    def exists(self) -> bool:
        """Whether the store holds a dataset (built or loaded) at all."""
        return True

    def refresh(self) -> None:  # noqa: B027 - only stores other tools can write need it
        """Give the store a new version after writes that did not go through kg (a remote
        server's own loader, another client), so every kg process drops its caches."""

    def cache_dir(self) -> Path:
        """Where per-version cache files of this store go (dumps, indexes): shared by every
        process serving it, private to this user."""
        key = hashlib.sha256(self.identity.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"kg-cache-{os.getuid()}" / key

    def dump(self, out: BinaryIO, fmt: Format, view: View = "public") -> None:
        """Serialise the view to `out`, streamed (no whole-dataset copy in memory)."""
        if fmt.has_graphs:
            ox.serialize(self.quads(view), out, fmt.ox)
        else:
            ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in self.quads(view)),
                         out, fmt.ox)

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release files and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
