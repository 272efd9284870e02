from __future__ import annotations

from django.urls import path

from cadre.web.placement import views, views_posts

app_name = "placement"
urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("plan/run/", views.plan_run, name="plan_run"),
    path("plan/cell/", views.plan_cell, name="plan_cell"),
    path("plan/approve/", views.plan_approve, name="plan_approve"),
    path("dispatch/", views.dispatch_list, name="dispatch"),
    path("posts/", views_posts.posts, name="posts"),
    path("posts/<int:post_id>/", views_posts.post_edit, name="post_edit"),
    path("run/", views_posts.placement_start, name="run"),
    path("arrivals/", views_posts.arrivals, name="arrivals"),
]
