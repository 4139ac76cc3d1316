"""Locust users for `python -m benchmarks.load`: viewers reading dashboards while officers save and
submit their half-year reports. Configured by the environment the load script sets (LOAD_*).

Every user arrives signed in (a session of its own, made by the load script as a log-in makes it):
the log-ins' password hashing, slow on purpose, is timed apart (benchmarks/load.py time_log_ins)."""

import json
import os
import random
import re

from locust import HttpUser, between, events, task

SESSION_COOKIE = os.environ.get("LOAD_SESSION_COOKIE", "sessionid")
VIEWER_SESSIONS = [entry for entry in os.environ.get("LOAD_VIEWER_SESSIONS", "").split(",") if entry]
PLAN = os.environ.get("LOAD_PLAN", "2")
BLOCKS = os.environ.get("LOAD_BLOCKS", "kanto").split(",")
OFFICERS = [entry.split(":") for entry in os.environ.get("LOAD_OFFICERS", "").split(",") if entry]
PERIODS = [entry.split(":") for entry in os.environ.get("LOAD_PERIODS", "").split(",") if entry]
SUBMITTED_LOG = os.environ.get("LOAD_SUBMITTED_LOG", "submitted.jsonl")

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
VALUE_FIELD = re.compile(r'name="(value-\d+)"')

submitted: list[dict] = []


def signed_in(user: HttpUser, session: str) -> None:
    """The user's browser holding the session cookie of its log-in."""
    user.client.cookies.set(SESSION_COOKIE, session)


class Viewer(HttpUser):
    """A liaison-meeting participant paging through the national and block dashboards."""

    fixed_count = int(os.environ.get("LOAD_VIEWERS", "50"))
    wait_time = between(0.5, 2)

    def on_start(self):
        signed_in(self, VIEWER_SESSIONS.pop(0))

    @task(3)
    def block_dashboard(self):
        block = random.choice(BLOCKS)
        self.client.get(f"/dashboard/{PLAN}/blocks/{block}/", name="block dashboard")

    @task(1)
    def national_dashboard(self):
        self.client.get(f"/dashboard/{PLAN}/", name="national dashboard")


class Officer(HttpUser):
    """A prefecture officer filling one half-year report after another: saves twice, then submits."""

    fixed_count = int(os.environ.get("LOAD_OFFICER_USERS", str(len(OFFICERS) or 1)))
    wait_time = between(1, 3)

    def on_start(self):
        self.username, self.region, session = OFFICERS.pop(0)
        self.periods = list(PERIODS)
        signed_in(self, session)

    @task
    def fill_and_submit_a_report(self):
        if not self.periods:
            self.wait()
            return
        fiscal_year, half = self.periods.pop(0)
        url = f"/progress/{self.region}/{fiscal_year}/{half}/"
        page = self.client.get(url, name="report page")
        fields = VALUE_FIELD.findall(page.text)
        values = {name: str(random.randint(0, 50)) for name in fields}
        # a value the plausibility checks flag is submitted with its cause and a sentence
        explained = {}
        for name in fields:
            line = name.removeprefix("value-")
            explained |= {f"check_cause-{line}": "confirmed", f"check_note-{line}": "確認済みの値。"}
        for action in ("save", "save", "submit", "confirm"):
            form = {
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "version": VERSION.search(page.text).group(1),
                "action": "submit" if action == "confirm" else action,
                **values,
                **explained,
            }
            if action == "confirm":  # the confirmation page's own POST
                form["confirmed"] = "1"
            response = self.client.post(url, form, name=f"report {action}", allow_redirects=False)
            if action == "submit":  # the confirmation page, with the version to confirm at
                if response.status_code != 200:
                    return
                page = response
                continue
            if response.status_code != 302:
                return  # counted as a failure by the check below, never retried
            page = self.client.get(url, name="report page")
        submitted.append(
            {"region": self.region, "fiscal_year": int(fiscal_year), "half": half, "values": values}
        )


@events.quitting.add_listener
def write_submitted(environment, **kwargs):
    with open(SUBMITTED_LOG, "w", encoding="utf-8") as log:
        for report in submitted:
            log.write(json.dumps(report, ensure_ascii=False) + "\n")
