"""`fanshelf reindex`: rebuild derived data from the database: counts, the text index, the discovery index."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from fanshelf.core.numbers import digits_argument
from fanshelf.discovery import kept_hits, text
from fanshelf.discovery.index import DiscoveryIndex
from fanshelf.discovery.live import REINDEXED, outbox_tops
from fanshelf.works.models import Work, WorkChange

BATCH = 5_000
# (count field on Work, app label, model, foreign key to Work): sources that exist are counted.
COUNT_SOURCES = (
    ("hit_count", "works", "Hit", "work"),
    ("kudos_count", "community", "Kudos", "work"),
    ("comment_count", "comments", "Comment", "work"),
    ("bookmark_count", "bookmarks", "Bookmark", "work"),
)


def _count_updates() -> dict[str, Any]:
    updates: dict[str, Any] = {}
    for field, app_label, model_name, key in COUNT_SOURCES:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        # A model whose rows are not all counted (private bookmarks) says which are with `counted()`.
        rows = getattr(model.objects, "counted", model.objects.all)()
        counted = rows.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(n=Count("pk"))
        updates[field] = Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))
    try:
        audio_file = apps.get_model("audio", "AudioFile")
    except LookupError:
        return updates
    posted_audio = audio_file.objects.filter(chapter__work=OuterRef("pk"), chapter__posted=True).order_by()
    seconds = posted_audio.values("chapter__work").annotate(s=Cast(Round(Sum("duration_seconds")), IntegerField()))
    updates["audio_seconds"] = Coalesce(Subquery(seconds.values("s"), output_field=IntegerField()), Value(0))
    return updates


class Command(BaseCommand):
    help = "Rebuild counts, the text index and the discovery index from the database. Resumable with --from-id."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from-id", type=digits_argument, default=0, help="Resume at this work id.")
        parser.add_argument("--skip-counts", action="store_true", help="Keep stored kudos/hits/... counts.")
        parser.add_argument("--skip-text", action="store_true", help="Keep the text index as it is.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(Work.objects.filter(pk__gte=options["from_id"]).order_by("pk").values_list("pk", flat=True))
        updates = {} if options["skip_counts"] else _count_updates()
        change, _ = outbox_tops()
        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
        if not options["skip_text"]:
            text.drop_rows_of_missing_works()
        with Progress(*columns) as progress:
            task = progress.add_task("Counts and text", total=len(ids))
            for begin in range(0, len(ids), BATCH):
                batch = ids[begin : begin + BATCH]
                with transaction.atomic():
                    if updates:
                        Work.objects.filter(pk__in=batch).update(**updates)
                    if not options["skip_text"]:
                        text.rebuild(batch, change)
                progress.update(task, advance=len(batch), description=f"Counts and text (up to work {batch[-1]})")
        # Running processes rebuild their in-memory index when they read this row.
        WorkChange.objects.create(work_id=0, kind=REINDEXED)
        started = time.perf_counter()
        index = DiscoveryIndex.build()
        seconds = time.perf_counter() - started
        rate = len(index) / seconds if seconds else 0.0
        self.stdout.write(
            f"Discovery index: {len(index):,} listed works in {seconds:.2f} s ({rate:,.0f} works/s), "
            f"{index.memory_bytes() / 1e6:.1f} MB."
        )
        if not options["skip_text"]:
            started = time.perf_counter()
            stored, left = kept_hits.store_common_terms()
            self.stdout.write(
                f"Common words: the works of {stored:,} stored for every process in "
                f"{time.perf_counter() - started:.1f} s" + (f" ({left:,} more left out: no room)." if left else ".")
            )
