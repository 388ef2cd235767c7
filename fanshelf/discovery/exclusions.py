"""A reader's standing filters in the engine: the users they muted and their exclusion profile.

Both are answered like the shelf filters (reader_sets.py): per-reader sets, never a SQL join per request.

- What the reader set up is read once per *version* and kept in memory (`Memo`): the muted users' pseuds, keyed
  by the reader's mute version (the count, largest and sum of their Mute ids: a new mute always has a larger id,
  an unmute lowers the count) and the largest pseud id (a muted user's new pseud); the profile's tags, pseuds,
  languages, ... keyed by the profile's version token, which every save moves.
- Which works those hide is decided inside the index lock from the index itself (the pseuds' works, the tags'
  bitmaps with their synonyms and subtags, languages, crossovers), so a muted user's new work is hidden the
  moment the index knows it, with no query.

A signed-in reader's request costs one indexed query (`versions`) whatever the number of muted users or
excluded tags; a guest's none.

Anonymous works are never hidden by a mute or a creator exclusion: the index files them under no pseud, and
hiding them would let anyone learn who wrote an anonymous work by muting people one by one and watching which
works vanish (docs/exclusions.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import Count, Max, OuterRef, Subquery, Sum
from pyroaring import BitMap, FrozenBitMap

from fanshelf.accounts.models import Mute, Pseud, User
from fanshelf.core.memo import Memo
from fanshelf.discovery.closure import TYPE_CODES
from fanshelf.discovery.models import ExclusionProfile
from fanshelf.discovery.reader_sets import shelf_version, shelved_works
from fanshelf.tags.models import Tag

if TYPE_CHECKING:
    from fanshelf.discovery.index import DiscoveryIndex
    from fanshelf.works.models import Viewer

# The shelves a profile may hide (the issue: "works on my finished or dropped shelves").
PROFILE_SHELVES = {"finished": "Finished", "dropped": "Dropped"}


@dataclass(frozen=True)
class ProfileSpec:
    """What a reader's exclusion profile hides, as ids and names the index understands."""

    tag_ids: tuple[int, ...] = ()  # excluded tags, ratings and warnings (the index adds synonyms and subtags)
    pseud_ids: tuple[int, ...] = ()  # excluded pseuds, and every pseud of an excluded user
    languages: tuple[str, ...] = ()
    crossovers: bool = False
    max_fandoms: int | None = None
    shelves: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return (
            not (self.tag_ids or self.pseud_ids or self.languages or self.crossovers or self.shelves)
            and self.max_fandoms is None
        )


# (reader id, mute version, (index build, largest pseud id)) -> the muted users' pseud ids.
_muted: Memo[tuple[int, ...]] = Memo(4096)
# (reader id, profile version, (index build, largest pseud id)) -> the profile as ids.
_profiles: Memo[ProfileSpec] = Memo(4096)
# (index state, n) -> works with more than n fandoms.
_many_fandoms: Memo[FrozenBitMap] = Memo(16)


@dataclass(frozen=True)
class Versions:
    """What keys a reader's sets, read in one query."""

    mutes: tuple[int, int, int]  # count, largest and sum of their Mute ids; (0, 0, 0) when they mute nobody
    profile: str  # the profile's token; "" when they never saved one
    pseuds: tuple[int, int]  # the index build and the largest pseud id (a muted or excluded user's new pseud)


def versions(viewer: Viewer) -> Versions:
    """One indexed query: a new mute always has a larger id and an unmute lowers the count, so the mute version
    moves with every change; the profile's token is replaced on every save. The index build is in the key so a
    rebuilt database (tests; a restored backup) never meets sets read from the one before."""
    from fanshelf.discovery.live import fresh_state

    # Kept on the user object for the rest of the request, as the mute actions forget it (accounts/blocking._forget).
    known = viewer.__dict__.get(VERSIONS_MEMO)
    if known is None:
        known = viewer.__dict__[VERSIONS_MEMO] = _stored_versions(viewer)
    mutes, token, pseud = known
    return Versions(mutes, token, (fresh_state()[0], pseud))


VERSIONS_MEMO = "_fanshelf_reader_versions"


def _stored_versions(viewer: Viewer) -> tuple[tuple[int, int, int], str, int]:
    mutes = Mute.objects.filter(muter_id=OuterRef("pk")).order_by().values("muter_id")

    def of_mutes(function: type[Count | Max | Sum]) -> Subquery:
        return Subquery(mutes.annotate(value=function("pk")).values("value")[:1])

    profile = ExclusionProfile.objects.filter(user_id=OuterRef("pk")).values("version")[:1]
    top_pseud = Pseud.objects.order_by("-pk").values("pk")[:1]
    row = (
        User.objects.filter(pk=viewer.pk or 0)
        .values_list(of_mutes(Count), of_mutes(Max), of_mutes(Sum), Subquery(profile), Subquery(top_pseud))
        .first()
    )
    count, top, total, token, pseud = row if row is not None else (0, 0, 0, "", 0)
    return (count or 0, top or 0, total or 0), str(token or ""), pseud or 0


def muted_pseud_ids(viewer: Viewer, version: Versions) -> tuple[int, ...]:
    """The pseuds of every user the reader muted, read once per mute version."""
    if not version.mutes[0]:
        return ()

    def build() -> tuple[int, ...]:
        muted = Mute.objects.filter(muter_id=viewer.pk).values("muted_id")
        return tuple(Pseud.objects.filter(user_id__in=muted).values_list("pk", flat=True))

    return _muted.get_or_make((viewer.pk, version.mutes, version.pseuds), build)


def profile_spec(viewer: Viewer, version: Versions) -> ProfileSpec:
    """The reader's profile as ids, read once per version (and per new pseud, for excluded users' pseuds)."""
    if not version.profile:
        return ProfileSpec()

    def build() -> ProfileSpec:
        profile = ExclusionProfile.objects.filter(user_id=viewer.pk or 0).first()
        if profile is None:
            return ProfileSpec()
        tag_ids = list(profile.tags.values_list("pk", flat=True))
        fixed = [*profile.ratings, *profile.warnings]
        if fixed:
            tag_ids += list(Tag.objects.filter(name__in=fixed).values_list("pk", flat=True))
        pseuds = set(profile.pseuds.values_list("pk", flat=True))
        pseuds |= set(Pseud.objects.filter(user__in=profile.users.all()).values_list("pk", flat=True))
        return ProfileSpec(
            tag_ids=tuple(sorted(set(tag_ids))),
            pseud_ids=tuple(sorted(pseuds)),
            languages=tuple(profile.languages),
            crossovers=profile.crossovers,
            max_fandoms=profile.max_fandoms,
            shelves=tuple(name for name in profile.shelves if name in PROFILE_SHELVES),
        )

    return _profiles.get_or_make((viewer.pk, version.profile, version.pseuds), build)


@dataclass(frozen=True)
class ReaderFilter:
    """The reader's standing filters a query needs, read before the index lock is taken."""

    muted_pseuds: tuple[int, ...]
    profile: ProfileSpec  # empty when the reader has none
    applied: bool  # the profile is in force (not `exclusions=off`)
    shelved: FrozenBitMap | None  # works on the shelves the profile hides

    @property
    def has_profile(self) -> bool:
        return not self.profile.empty

    def muted(self, index: DiscoveryIndex) -> BitMap | None:
        """Works credited (not anonymously) to a muted user; call with the index lock held."""
        return index.pseud_bitmap(self.muted_pseuds) if self.muted_pseuds else None

    def excluded(self, index: DiscoveryIndex) -> BitMap | None:
        """Works the profile hides; None when it is off or empty. Call with the index lock held."""
        if not self.applied or not self.has_profile:
            return None
        spec = self.profile
        empty = BitMap()
        parts = [index.tag_bitmaps.get(index.graph.filter_ids(tag_id)[0], empty) for tag_id in spec.tag_ids]
        parts += [index.language_bitmaps.get(code, empty) for code in spec.languages]
        if spec.pseud_ids:
            parts.append(index.pseud_bitmap(spec.pseud_ids))
        if spec.crossovers:
            parts.append(index.crossover)
        if spec.max_fandoms is not None:
            parts.append(BitMap(works_with_more_fandoms(index, spec.max_fandoms)))
        if self.shelved is not None:
            parts.append(BitMap(self.shelved))
        return BitMap.union(*parts) if parts else BitMap()


def reader_filter(viewer: Viewer, applied: bool = True) -> ReaderFilter | None:
    """None for a guest, or a reader who mutes nobody and has no exclusion profile (the common case: one indexed
    query and nothing else)."""
    if not viewer.is_authenticated:
        return None
    version = versions(viewer)
    spec = profile_spec(viewer, version)
    if not version.mutes[0] and spec.empty:
        return None
    shelved = None
    if applied and spec.shelves:
        shelved = shelved_works(viewer, spec.shelves, shelf_version(viewer))
    return ReaderFilter(muted_pseud_ids(viewer, version), spec, applied, shelved)


def variant(viewer: Viewer) -> tuple[object, ...]:
    """Everything about the reader's standing filters a memoised listing body depends on."""
    if not viewer.is_authenticated:
        return ()
    version = versions(viewer)
    shelves = shelf_version(viewer) if profile_spec(viewer, version).shelves else ""
    return (version.mutes, version.profile, version.pseuds, shelves)


def works_with_more_fandoms(index: DiscoveryIndex, limit: int) -> FrozenBitMap:
    """Listed works with more than `limit` fandoms, counted as crossovers are: fandoms of one family (under one
    metatag) count once. Built once per index state; call with the index lock held."""
    from fanshelf.discovery import live

    def build() -> FrozenBitMap:
        ids = np.frombuffer(index.listed.to_array(), dtype=np.uint32).astype(np.int64)
        owners, tags = index.tags.pairs(ids)
        known = tags < len(index.graph.type_code)
        owners, tags = owners[known], tags[known]
        fandom = index.graph.type_code[tags] == TYPE_CODES["fandom"]
        owners, tags = owners[fandom], tags[fandom]
        if not len(owners):
            return FrozenBitMap()
        family = np.arange(max(len(index.graph.type_code), int(tags.max()) + 1), dtype=np.int64)
        for tag_id, top in index.graph.family.items():
            if tag_id < len(family):
                family[tag_id] = top
        families = family[tags]
        pairs = np.unique((owners << 32) | families)
        works, counts = np.unique(pairs >> 32, return_counts=True)
        return FrozenBitMap(works[counts > limit].tolist())

    if index is not live.preload():  # an index of its own (tests, tools): not memoised
        return build()
    return _many_fandoms.get_or_make((live.fresh_state(), id(index), limit), build)


def new_version() -> str:
    return secrets.token_hex(8)


def profile_values(profile: ExclusionProfile) -> dict[str, Any]:
    """What the edit page shows (see forms.ExclusionForm)."""
    return {
        "tags": ", ".join(profile.tags.order_by("name").values_list("name", flat=True)),
        "creators": ", ".join(
            [*(user.username for user in profile.users.order_by("username")), *(str(p) for p in profile.pseuds.all())]
        ),
        "languages": list(profile.languages),
        "ratings": list(profile.ratings),
        "warnings": list(profile.warnings),
        "crossovers": profile.crossovers,
        "max_fandoms": "" if profile.max_fandoms is None else str(profile.max_fandoms),
        "shelves": list(profile.shelves),
    }
