from __future__ import annotations

from django.urls import path

from fanshelf.works import orphan_views, related_views, series_views, sharing_views, views

app_name = "works"
urlpatterns = [
    path("new/", views.new_work, name="new"),
    path("drafts/", views.my_drafts, name="drafts"),
    path("series/<int:series_id>/", series_views.series_detail, name="series"),
    path("series/<int:series_id>/edit/", series_views.edit_series, name="series_edit"),
    path("series/<int:series_id>/orphan/", orphan_views.orphan_series, name="series_orphan"),
    path("orphan/<str:username>/", orphan_views.orphan_all, name="orphan_all"),
    path("orphan/<str:username>/pseuds/<str:pseud>/", orphan_views.orphan_pseud, name="orphan_pseud"),
    path("related/", related_views.links_to_my_works, name="related_links"),
    path("related/<int:link_id>/<str:decision>/", related_views.decide_link, name="related_decide"),
    path("<int:work_id>/parents/", related_views.manage_parents, name="related_manage"),
    path("<int:work_id>/parents/<int:link_id>/remove/", related_views.remove_parent, name="related_remove"),
    path("<int:work_id>/", views.work_detail, name="detail"),
    path("<int:work_id>/entire/", views.work_entire, name="entire"),
    path("<int:work_id>/adult/", views.confirm_adult, name="confirm_adult"),
    path("<int:work_id>/chapters/<int:chapter_id>/", views.chapter_detail, name="chapter"),
    path("<int:work_id>/edit/", views.edit_work, name="edit"),
    path("<int:work_id>/preview/", views.preview_work, name="preview"),
    path("<int:work_id>/post/", views.post_draft, name="post"),
    path("<int:work_id>/delete/", views.delete_work_view, name="delete"),
    path("<int:work_id>/orphan/", orphan_views.orphan_work, name="orphan"),
    path("<int:work_id>/invitation/accept/", sharing_views.accept_invitation, name="accept_invitation"),
    path("<int:work_id>/invitation/decline/", sharing_views.decline_invitation, name="decline_invitation"),
    path("<int:work_id>/remove-me/", sharing_views.remove_me, name="remove_me"),
    path("<int:work_id>/gift/refuse/", sharing_views.refuse_gift, name="refuse_gift"),
    path("<int:work_id>/chapters/new/", views.new_chapter, name="chapter_new"),
    path("<int:work_id>/chapters/<int:chapter_id>/edit/", views.edit_chapter, name="chapter_edit"),
    path("<int:work_id>/chapters/<int:chapter_id>/post/", views.post_chapter_view, name="chapter_post"),
    path("<int:work_id>/chapters/<int:chapter_id>/delete/", views.delete_chapter_view, name="chapter_delete"),
    path("<int:work_id>/chapters/manage/", views.manage_chapters, name="chapters_manage"),
]
