from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("spaces/<slug:slug>/knowledge/", views.space_knowledge, name="space"),
    path("spaces/<slug:slug>/knowledge/new/", views.new_article, name="new"),
    path(
        "spaces/<slug:slug>/knowledge/collections/new/", views.new_collection, name="new_collection"
    ),
    path("knowledge/search/", views.search, name="search"),
    path("knowledge/suggestions/", views.my_suggestions, name="my_suggestions"),
    path("knowledge/<int:article_id>/co-owners/", views.co_owners, name="co_owners"),
    path("knowledge/<int:article_id>/export.<str:fmt>", views.export_article, name="export"),
    path(
        "spaces/<slug:slug>/knowledge/collections/<int:collection_id>/export.<str:fmt>",
        views.export_collection,
        name="export_collection",
    ),
    path("knowledge/<int:article_id>/", views.article, name="article"),
    path("knowledge/<int:article_id>/edit/", views.edit, name="edit"),
    path("knowledge/<int:article_id>/suggest/", views.suggest, name="suggest"),
    path("knowledge/<int:article_id>/suggestions/", views.suggestions, name="suggestions"),
    path("knowledge/<int:article_id>/history/", views.history, name="history"),
    path("knowledge/<int:article_id>/compare/", views.compare, name="compare"),
    path("knowledge/<int:article_id>/restore/", views.restore, name="restore"),
    path("knowledge/<int:article_id>/reviewed/", views.reviewed, name="reviewed"),
    path("knowledge/<int:article_id>/outdated/", views.outdated, name="outdated"),
    path("knowledge/<int:article_id>/helpful/", views.helpful, name="helpful"),
    path("knowledge/suggestions/<int:suggestion_id>/decide/", views.decide, name="decide"),
    path("knowledge/<int:article_id>/files/", views.upload, name="upload"),
    path(
        "knowledge/<int:article_id>/files/<int:attachment_id>/<str:name>",
        views.attachment,
        name="file",
    ),
    path(
        "knowledge/files/<int:attachment_id>/remove/", views.remove_attachment, name="remove_file"
    ),
    path("knowledge/from-answer/<int:answer_id>/", views.from_answer, name="from_answer"),
]
