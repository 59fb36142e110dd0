from django.urls import path

from forums import views

app_name = "forums"

urlpatterns = [
    path("spaces/<slug:slug>/forum/", views.space_forum, name="space"),
    path("spaces/<slug:slug>/forum/ask/", views.ask, name="ask"),
    path("forum/topics/<int:topic_id>/", views.topic, name="topic"),
    path("forum/topics/<int:topic_id>/accept/", views.accept, name="accept"),
    path("forum/topics/<int:topic_id>/edit/", views.edit, name="edit"),
    path("forum/topics/<int:topic_id>/history/", views.history, name="history"),
    path("forum/answers/<int:answer_id>/vote/", views.vote, name="vote"),
    path("forum/answers/<int:answer_id>/edit/", views.edit_answer, name="edit_answer"),
    path("forum/similar/", views.similar, name="similar"),
    path("forum/unanswered/", views.unanswered, name="unanswered"),
    path("forum/topics/<int:topic_id>/request/", views.request_answer, name="request_answer"),
    path("forum/topics/<int:topic_id>/follow/", views.follow, name="follow"),
    path("forum/tags/<str:slug>/follow/", views.follow_tag, name="follow_tag"),
    path("forum/topics/<int:topic_id>/comment/", views.comment, name="comment"),
    path("forum/topics/<int:topic_id>/moderate/", views.moderate, name="moderate"),
    path("forum/search/", views.search, name="search"),
]
