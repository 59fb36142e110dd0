from django.urls import path

from processes import views

app_name = "processes"

urlpatterns = [
    path("spaces/<slug:slug>/boards/", views.space_boards, name="space"),
    path("spaces/<slug:slug>/boards/new/", views.new_board, name="new"),
    path("boards/<int:board_id>/", views.board, name="board"),
    path("boards/<int:board_id>/settings/", views.board_settings, name="settings"),
    path("boards/<int:board_id>/cards/new/", views.add_card, name="add_card"),
    path("boards/<int:board_id>/pain-points/", views.pains, name="pains"),
    path("boards/<int:board_id>/pain-points/new/", views.flag_pain, name="flag_pain"),
    path("boards/<int:board_id>/exceptions/", views.exceptions, name="exceptions"),
    path("boards/<int:board_id>/exceptions/regroup/", views.regroup, name="regroup"),
    path("boards/<int:board_id>/flow/", views.flow, name="flow"),
    path("boards/cards/<int:card_id>/", views.card, name="card"),
    path("boards/cards/<int:card_id>/move/", views.move, name="move"),
    path("boards/cards/<int:card_id>/edit/", views.edit_card, name="edit_card"),
    path("boards/cards/<int:card_id>/checklist/", views.checklist, name="checklist"),
    path("boards/cards/<int:card_id>/watch/", views.watch, name="watch"),
    path("boards/cards/<int:card_id>/archive/", views.archive, name="archive"),
    path("boards/<int:board_id>/archived/", views.archived, name="archived"),
    path("boards/cards/<int:card_id>/comment/", views.comment, name="comment"),
    path("boards/cards/<int:card_id>/files/", views.upload, name="upload"),
    path(
        "boards/cards/<int:card_id>/files/<int:attachment_id>/<str:name>",
        views.attachment,
        name="file",
    ),
    path("boards/files/<int:attachment_id>/remove/", views.remove_attachment, name="remove_file"),
    path("boards/pain-points/<int:pain_id>/", views.pain, name="pain"),
    path("boards/pain-points/<int:pain_id>/me-too/", views.me_too, name="me_too"),
    path("boards/pain-points/<int:pain_id>/status/", views.pain_status, name="pain_status"),
    path("boards/pain-points/<int:pain_id>/comment/", views.pain_comment, name="pain_comment"),
    path("signals/", views.signals, name="signals"),
    path("signals/settings/", views.signal_settings, name="signal_settings"),
    path("signals/<int:signal_id>/", views.signal, name="signal"),
]
