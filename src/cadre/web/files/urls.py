from __future__ import annotations

from django.urls import path

from cadre.web.files import views_board, views_detail, views_queue, views_selection, views_volunteer

app_name = "files"
urlpatterns = [
    path("mine/", views_volunteer.mine, name="mine"),
    path("mine/reference/", views_volunteer.mine_reference, name="mine_reference"),
    path("mine/move/", views_volunteer.mine_move, name="mine_move"),
    path("queue/", views_queue.queue, name="queue"),
    path("queue/counts/", views_queue.queue_counts_view, name="queue_counts"),
    path("queue/bulk/", views_queue.queue_bulk, name="queue_bulk"),
    path("quota-board/", views_board.quota_board, name="quota_board"),
    path("quota-board/table/", views_board.quota_board_table, name="quota_board_table"),
    path("selection/", views_selection.selection, name="selection"),
    path("selection/start/", views_selection.selection_start, name="selection_start"),
    path("selection/result/<int:job_id>/", views_selection.selection_result, name="selection_result"),
    path("<slug:campaign>/<str:person_id>/", views_detail.detail, name="detail"),
    path("<slug:campaign>/<str:person_id>/approve/", views_queue.queue_approve, name="queue_approve"),
]
