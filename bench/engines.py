"""The three engines the benchmark compares, each answering a BenchQuery with (total, page ids, facets)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection

from fanshelf.discovery.closure import FACET_TYPES, TYPE_CODES
from fanshelf.discovery.index import DiscoveryIndex

FACET_FIELDS = {
    "fandom": "fandoms",
    "character": "characters",
    "relationship": "relationships",
    "freeform": "freeforms",
}
SORT_COLUMNS = {"kudos": "kudos_count", "updated": "revised_at", "words": "word_count", "hits": "hit_count"}


@dataclass
class BenchQuery:
    include: list[int] = field(default_factory=list)  # filter (canonical) tag ids
    exclude: list[int] = field(default_factory=list)
    rating: int | None = None
    complete: bool = False
    words_from: int | None = None
    kudos_from: int | None = None
    sort: str = "updated"
    facets: bool = True
    label: str = ""


Answer = tuple[int, list[int]]


class TantivyEngine:
    """tantivy over the same works: one u64 term per filter tag id, fast fields for sorts and ranges."""

    def __init__(self, index: DiscoveryIndex, path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("id", stored=True, fast=True, indexed=True)
        builder.add_unsigned_field("tags", indexed=True, fast=True)
        for name in FACET_FIELDS.values():
            builder.add_unsigned_field(name, indexed=True, fast=True)
        for name in ("words", "kudos", "hits", "updated", "complete", "public"):
            builder.add_unsigned_field(name, indexed=True, fast=True)
        self.schema = builder.build()
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        self.index = tantivy.Index(self.schema, path=str(path))
        self._load(index)
        self.index.reload()
        self.searcher = self.index.searcher()

    def _load(self, index: DiscoveryIndex) -> None:
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        tags_of: dict[int, list[int]] = {}
        for tag_id, bitmap in index.tag_bitmaps.items():
            for work_id in bitmap:
                tags_of.setdefault(work_id, []).append(tag_id)
        cols = index.columns
        for work_id in index.listed:
            tags = tags_of.get(work_id, [])
            doc: dict[str, Any] = {
                "id": [work_id], "tags": tags, "words": [int(cols["words"][work_id])],
                "kudos": [int(cols["kudos"][work_id])], "hits": [int(cols["hits"][work_id])],
                "updated": [int(cols["revised"][work_id]) // 1_000_000], "complete": [int(work_id in index.complete)],
                "public": [int(work_id in index.public)],
            }  # fmt: skip
            for type_name, field_name in FACET_FIELDS.items():
                code = TYPE_CODES[type_name]
                doc[field_name] = [t for t in tags if index.graph.type_of(t) == code and index.graph.is_canonical(t)]
            document = self.tantivy.Document()
            for name, values in doc.items():
                for value in values:
                    document.add_unsigned(name, value)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()

    def run(self, query: BenchQuery) -> Answer:
        q = self.tantivy.Query
        occur = self.tantivy.Occur
        clauses = [(occur.Must, q.term_query(self.schema, "public", 1))]
        clauses += [(occur.Must, q.term_query(self.schema, "tags", t)) for t in query.include]
        clauses += [(occur.MustNot, q.term_query(self.schema, "tags", t)) for t in query.exclude]
        if query.rating is not None:
            clauses.append((occur.Must, q.term_query(self.schema, "tags", query.rating)))
        if query.complete:
            clauses.append((occur.Must, q.term_query(self.schema, "complete", 1)))
        for name, low in (("words", query.words_from), ("kudos", query.kudos_from)):
            if low is not None:
                clauses.append(
                    (occur.Must, q.range_query(self.schema, name, self.tantivy.FieldType.Unsigned, low, 2**62))
                )
        boolean = q.boolean_query(clauses)
        result = self.searcher.search(
            boolean,
            limit=20,
            count=True,
            order_by_field=query.sort if query.sort in ("kudos", "updated", "words", "hits") else "updated",
        )
        ids = [self.searcher.doc(address)["id"][0] for _, address in result.hits]
        if query.facets:
            aggs = {name: {"terms": {"field": name, "size": 10}} for name in FACET_FIELDS.values()}
            self.searcher.aggregate(boolean, aggs)
        return int(getattr(result, "count", 0) or 0), ids


class SqlEngine:
    """Plain SQL on the same database: EXISTS per include (the rarest drives), NOT EXISTS per exclude, then facet
    counts with GROUP BY. On PostgreSQL the same shape uses the join table (an int[] + GIN column is a TODO)."""

    def __init__(self, index: DiscoveryIndex) -> None:
        self.popularity = {t: len(b) for t, b in index.tag_bitmaps.items()}
        self.graph = index.graph
        self.work = connection.ops.quote_name("works_work")
        self.through = connection.ops.quote_name("works_work_tags")

    def run(self, query: BenchQuery) -> Answer:
        includes = sorted(query.include, key=lambda t: self.popularity.get(t, 0))
        params: list[Any] = []
        if includes:
            source = f"{self.through} d JOIN {self.work} w ON w.id = d.work_id"
            where = ["d.tag_id = %s"]
            params.append(includes[0])
            includes = includes[1:]
        else:
            source, where = f"{self.work} w", []
        where += ["w.posted", "NOT w.hidden_by_moderator", "NOT w.unrevealed", "NOT w.restricted"]
        for tag in includes:
            where.append(f"EXISTS (SELECT 1 FROM {self.through} i WHERE i.work_id = w.id AND i.tag_id = %s)")
            params.append(tag)
        extra = [*query.exclude]
        for tag in extra:
            where.append(f"NOT EXISTS (SELECT 1 FROM {self.through} x WHERE x.work_id = w.id AND x.tag_id = %s)")
            params.append(tag)
        if query.rating is not None:
            where.append(f"EXISTS (SELECT 1 FROM {self.through} r WHERE r.work_id = w.id AND r.tag_id = %s)")
            params.append(query.rating)
        if query.complete:
            where.append("w.expected_chapters IS NOT NULL AND w.posted_chapter_count >= w.expected_chapters")
        for column, low in (("word_count", query.words_from), ("kudos_count", query.kudos_from)):
            if low is not None:
                where.append(f"w.{column} >= %s")
                params.append(low)
        matching = f"SELECT w.id AS id FROM {source} WHERE {' AND '.join(where)}"
        order = SORT_COLUMNS.get(query.sort, "revised_at")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({matching}) m", params)
            total = int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT w.id FROM {self.work} w WHERE w.id IN ({matching}) "
                f"ORDER BY w.{order} + 0 DESC, w.id DESC LIMIT 20",
                params,
            )
            ids = [int(r[0]) for r in cursor.fetchall()]
            if query.facets:
                cursor.execute(
                    f"SELECT t.tag_id, COUNT(*) FROM {self.through} t WHERE t.work_id IN ({matching}) "
                    "GROUP BY t.tag_id",
                    params,
                )
                counts = np.asarray(cursor.fetchall() or np.zeros((0, 2)), dtype=np.int64).reshape(-1, 2)
                self._top(counts)
        return total, ids

    def _top(self, counts: np.ndarray[Any, Any]) -> dict[str, list[tuple[int, int]]]:
        top: dict[str, list[tuple[int, int]]] = {}
        for type_name in FACET_TYPES:
            code = TYPE_CODES[type_name]
            chosen = [(int(t), int(c)) for t, c in counts if self.graph.type_of(int(t)) == code]
            top[type_name] = sorted(chosen, key=lambda p: (-p[1], p[0]))[:10]
        return top
