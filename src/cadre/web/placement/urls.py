from __future__ import annotations

app_name = "placement"
urlpatterns: list = []
