from __future__ import annotations

app_name = "field"
urlpatterns: list = []
