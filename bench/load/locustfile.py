"""Committee members working their queues: sign in, open the queue, open files, approve, open dashboards.

Driven by ``bench/load_workspace.py`` (which creates the users and their work and passes them in
``CADRE_LOAD_USERS``, a JSON list of ``{"username", "password"}``, and the campaign in
``CADRE_LOAD_CAMPAIGN``). Each simulated user signs in once (the login form, with its CSRF token), then
loops: the queue (weight 4), a file of the queue (3), an approval through the file page's form (2), the quota
board (1), an analytics dashboard (1). Requests are named by endpoint, so locust's statistics are per page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

USERS = json.loads(os.environ.get("CADRE_LOAD_USERS", "[]"))
CAMPAIGN = os.environ.get("CADRE_LOAD_CAMPAIGN", "ussr-1929")
_next = itertools.count()
_lock = threading.Lock()
_HOST = "127.0.0.1"  # the load runs on loopback only (bench/load_workspace.py serves there)
FILE_LINK = re.compile(r'href="/files/' + re.escape(CAMPAIGN) + r'/([^/"]+)/"')


class Committee(FastHttpUser):
    """One committee member. FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load
    generator shares this 2-core machine with the server, and locust documents it as the cheaper client."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        with _lock:
            me = USERS[next(_next) % len(USERS)]
        self.queue_ids: list[str] = []
        if me.get("session") and not os.environ.get("CADRE_LOAD_SIGN_IN"):
            self.client.cookiejar.set_cookie(create_cookie("sessionid", me["session"], domain=_HOST))
            self.queue()  # the queue page sets the CSRF cookie
            return
        self.client.get("/accounts/login/", name="login (form)")
        token = self._csrf()
        with self.client.post("/accounts/login/", name="login", catch_response=True, allow_redirects=False,
                              data={"username": me["username"], "password": me["password"],
                                    "csrfmiddlewaretoken": token},
                              headers={"Referer": self.host + "/accounts/login/"}) as r:
            if r.status_code != 302:
                r.failure(f"sign-in failed: {r.status_code}")

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == "csrftoken"), "")

    @task(4)
    def queue(self) -> None:
        r = self.client.get(f"/files/queue/?campaign={CAMPAIGN}", name="queue")
        if r.status_code == 200:
            self.queue_ids = FILE_LINK.findall(r.text)

    @task(3)
    def open_file(self) -> None:
        if not self.queue_ids:
            return self.queue()
        pid = random.choice(self.queue_ids)
        self.client.get(f"/files/{CAMPAIGN}/{pid}/", name="file")
        return None

    @task(2)
    def approve(self) -> None:
        if not self.queue_ids:
            return self.queue()
        pid = self.queue_ids.pop(random.randrange(len(self.queue_ids)))
        url = f"/files/{CAMPAIGN}/{pid}/"
        with self.client.post(url, name="file approve", catch_response=True, allow_redirects=False,
                              data={"move": "approve", "reason_code": "", "reason": "meets every criterion",
                                    "csrfmiddlewaretoken": self._csrf()},
                              headers={"Referer": self.host + url}) as r:
            # 302: recorded. 409: the file moved on meanwhile (a concurrent decision): a correct answer.
            if r.status_code in (302, 409):
                r.success()
            else:
                r.failure(f"approve answered {r.status_code}")
        return None

    @task(1)
    def quota_board(self) -> None:
        self.client.get(f"/files/quota-board/?campaign={CAMPAIGN}", name="quota board")

    @task(1)
    def analytics(self) -> None:
        self.client.get(f"/analytics/?campaign={CAMPAIGN}", name="analytics overview")
