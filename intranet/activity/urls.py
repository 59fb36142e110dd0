from django.urls import path

from intranet.activity import views

app_name = "activity"

urlpatterns = [
    path("feed/more/", views.feed_more, name="more"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/react/", views.react, name="react"),
    path("people/<int:user_id>/follow/", views.follow, name="follow"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("announcements/new/", views.announce, name="announce"),
    path("announcements/<int:announcement_id>/", views.announcement, name="announcement"),
    path("announcements/from/<int:user_id>/", views.announcements_by, name="announcements_by"),
    path("announcements/delegates/<int:department_id>/", views.delegates, name="delegates"),
    path(
        "announcements/delegates/<int:department_id>/remove/",
        views.delegate_remove,
        name="delegate_remove",
    ),
]
