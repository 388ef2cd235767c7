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
    """Plain SQL on the same database. SQLite: EXISTS per include (the rarest drives), NOT EXISTS per exclude.
    PostgreSQL: an int[] of each work's filter ids with a GIN index (`@>` for includes, `&&` for excludes), built
    once into a bench-only table. Facet counts with one GROUP BY; the sort is `ORDER BY col + 0` so the planner
    does not walk the sort column's index through millions of rows."""

    def __init__(self, index: DiscoveryIndex) -> None:
        self.popularity = {t: len(b) for t, b in index.tag_bitmaps.items()}
        self.graph = index.graph
        self.work = connection.ops.quote_name("works_work")
        self.through = connection.ops.quote_name("works_work_tags")
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            self._build_arrays()

    def _build_arrays(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_work_tags')")
            if cursor.fetchone()[0] is None:
                cursor.execute(
                    "CREATE TABLE bench_work_tags AS SELECT d.work_id, "
                    "array_agg(DISTINCT COALESCE(t.merger_id, t.id)) AS tags "
                    f"FROM {self.through} d JOIN tags_tag t ON t.id = d.tag_id GROUP BY d.work_id"
                )
                cursor.execute("ALTER TABLE bench_work_tags ADD PRIMARY KEY (work_id)")
                cursor.execute("CREATE INDEX bench_work_tags_gin ON bench_work_tags USING gin (tags)")
                cursor.execute("ANALYZE bench_work_tags")

    def _matching(self, query: BenchQuery) -> tuple[str, list[Any]]:
        params: list[Any] = []
        where = ["w.posted", "NOT w.hidden_by_moderator", "NOT w.unrevealed", "NOT w.restricted"]
        if self.postgres:
            source = f"{self.work} w JOIN bench_work_tags a ON a.work_id = w.id"
            required = [*query.include, *([query.rating] if query.rating is not None else [])]
            if required:
                where.append("a.tags @> %s::bigint[]")
                params.append(required)
            if query.exclude:
                where.append("NOT a.tags && %s::bigint[]")
                params.append(list(query.exclude))
        else:
            includes = sorted(query.include, key=lambda t: self.popularity.get(t, 0))
            if includes:
                source = f"{self.through} d JOIN {self.work} w ON w.id = d.work_id"
                where.append("d.tag_id = %s")
                params.append(includes[0])
                includes = includes[1:]
            else:
                source = f"{self.work} w"
            if query.rating is not None:
                includes.append(query.rating)
            for tag in includes:
                where.append(f"EXISTS (SELECT 1 FROM {self.through} i WHERE i.work_id = w.id AND i.tag_id = %s)")
                params.append(tag)
            for tag in query.exclude:
                where.append(f"NOT EXISTS (SELECT 1 FROM {self.through} x WHERE x.work_id = w.id AND x.tag_id = %s)")
                params.append(tag)
        if query.complete:
            where.append("w.expected_chapters IS NOT NULL AND w.posted_chapter_count >= w.expected_chapters")
        for column, low in (("word_count", query.words_from), ("kudos_count", query.kudos_from)):
            if low is not None:
                where.append(f"w.{column} >= %s")
                params.append(low)
        return f"SELECT w.id AS id FROM {source} WHERE {' AND '.join(where)}", params

    def run(self, query: BenchQuery) -> Answer:
        matching, params = self._matching(query)
        order = SORT_COLUMNS.get(query.sort, "revised_at")
        order_by = f"w.{order} + 0" if order != "revised_at" else f"w.{order} + INTERVAL '0 seconds'"
        if not self.postgres:
            order_by = f"w.{order} || ''" if order == "revised_at" else f"w.{order} + 0"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({matching}) m", params)
            total = int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT w.id FROM {self.work} w WHERE w.id IN ({matching}) ORDER BY {order_by} DESC, w.id DESC "
                "LIMIT 20",
                params,
            )
            ids = [int(r[0]) for r in cursor.fetchall()]
            if query.facets:
                if self.postgres:
                    facet_sql = (
                        "SELECT t, COUNT(*) FROM bench_work_tags a, unnest(a.tags) t "
                        f"WHERE a.work_id IN ({matching}) GROUP BY t"
                    )
                else:
                    facet_sql = (
                        f"SELECT t.tag_id, COUNT(*) FROM {self.through} t WHERE t.work_id IN ({matching}) "
                        "GROUP BY t.tag_id"
                    )
                cursor.execute(facet_sql, params)
                counts = np.asarray(cursor.fetchall() or np.zeros((0, 2)), dtype=np.int64).reshape(-1, 2)
                self._top(counts)
        return total, ids

    def _top(self, counts: np.ndarray[Any, Any]) -> dict[str, list[tuple[int, int]]]:
        codes = self.graph.type_code
        tags, values = counts[:, 0], counts[:, 1]
        known = tags < len(codes)
        top: dict[str, list[tuple[int, int]]] = {}
        for type_name in FACET_TYPES:
            chosen = known.copy()
            chosen[known] = codes[tags[known]] == TYPE_CODES[type_name]
            order = np.lexsort((tags[chosen], -values[chosen]))[:10]
            top[type_name] = list(zip(tags[chosen][order].tolist(), values[chosen][order].tolist(), strict=True))
        return top
