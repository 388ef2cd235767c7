from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fanshelf.core.pagination import paginate
from fanshelf.tags.models import Tag, tag_from_url_part
from fanshelf.works.models import Work


def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    """A tag's works, newest updated first. A synonym's page points to its canonical."""
    tag = Tag.objects.named(tag_from_url_part(tag_name)).select_related("merger").first()
    if tag is None:
        raise Http404("No such tag.")
    if tag.merger is not None:
        return redirect(tag.merger)
    tagged = Tag.objects.filter(pk=tag.pk) | tag.synonyms.all()
    works = Work.objects.listed_for(request.user).filter(tags__in=tagged).distinct().for_blurbs().newest_first()
    page = paginate(request, works, per_page=20)
    return render(request, "tags/tag_works.html", {"tag": tag, "heading": f"Works in {tag.name}", "page_obj": page})
