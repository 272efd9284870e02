"""The part of a twin replicate after selection: courses, dispatch, arrival, posts, placements, exits."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from cadre.web.campaigns.models import Campaign
from cadre.web.courses.models import Cohort, Enrollment
from cadre.web.field.models import EventKind, FieldEvent
from cadre.web.files.models import PersonalFile, Status
from cadre.web.placement.models import Arrival, Dispatch, FarmType, Placement, Post, PostKind
from cadre.web.twinload.org import DISTRICTS_PER_REGION

__all__ = ["Service", "service_rows"]

#: The twin's spell states that are posts, and the post kind each becomes.
POST_STATES = {"farm": PostKind.CHAIRMAN, "mts": PostKind.MTS_STAFF, "district_office": PostKind.DISTRICT_OFFICE}
BATCH = 2000
COURSE = (date(1930, 1, 2), date(1930, 1, 15))  # the two-week course, finished by mid-January (SYSTEM.md §3.6)


@dataclass
class Service:
    """What the replicate says happened to each selected worker, ready to write once files exist."""

    campaign: Campaign
    units: dict[str, Any]
    actor: Any
    spells: pl.DataFrame
    outcomes: pl.DataFrame
    arrivals: pl.DataFrame
    journal: pl.DataFrame | None = None
    statuses: dict[str, str] = field(default_factory=dict)

    def write(self, files: dict[str, PersonalFile]) -> dict[str, int]:
        """Write courses, dispatches, arrivals, posts, placements and field events; returns counts."""
        arrived = [(pid, dest, day) for pid, dest, day in self.arrivals.iter_rows() if pid in files]
        cohorts = {}
        for region in sorted({files[pid].source_region for pid, _, _ in arrived}):
            cohorts[region] = Cohort(campaign=self.campaign, organizer=self.units[region], name=f"Course {region} 1930",
                                     starts_on=COURSE[0], ends_on=COURSE[1], capacity=1)
        for region, cohort in cohorts.items():
            cohort.capacity = sum(1 for pid, _, _ in arrived if files[pid].source_region == region)
        Cohort.objects.bulk_create(cohorts.values())
        Enrollment.objects.bulk_create((Enrollment(cohort=cohorts[files[pid].source_region], file=files[pid],
                                                   days_attended=12, completed_on=COURSE[1]) for pid, _, _ in arrived),
                                       batch_size=BATCH)
        Dispatch.objects.bulk_create((Dispatch(file=files[pid], destination=self.units[dest], recorded_by=self.actor)
                                      for pid, dest, _ in arrived), batch_size=BATCH)
        Arrival.objects.bulk_create((Arrival(file=files[pid], unit=self.units[dest], arrived_on=day, recorded_by=self.actor)
                                     for pid, dest, day in arrived if day is not None), batch_size=BATCH)
        posts, placements, events = self._posts(files)
        exits = [FieldEvent(file=files[pid], kind=EventKind.EXIT, on=end, channel=channel, recorded_by=self.actor,
                            text="twin replicate")
                 for pid, end, channel in self.outcomes.select("person_id", "end", "channel").iter_rows()
                 if channel is not None and pid in files]
        journal = self._journal(files)
        FieldEvent.objects.bulk_create(events + journal + exits, batch_size=BATCH)
        return {"arrivals": len(arrived), "posts": posts, "placements": placements,
                "field_events": len(events) + len(journal) + len(exits)}

    def _journal(self, files: dict[str, PersonalFile]) -> list[FieldEvent]:
        """The twin's field journal (complaints by subject, transfers), when the export has one."""
        if self.journal is None:
            return []
        kinds = {"conflict_with_officials": EventKind.CONFLICT}
        return [FieldEvent(file=files[pid], on=on,
                           kind=EventKind.TRANSFER if kind == "transfer" else kinds.get(subject, EventKind.COMPLAINT),
                           text=f"twin journal: {subject or kind}", recorded_by=self.actor)
                for pid, on, kind, subject in self.journal.select("person_id", "on", "kind", "subject").iter_rows()
                if pid in files]

    def _district(self, file: PersonalFile, dest: str) -> Any:
        # Co-workers of one factory serve in the same district (SYSTEM.md §3.1: send them in groups).
        index = zlib.crc32(file.factory_id.encode()) % DISTRICTS_PER_REGION + 1
        return self.units[f"{dest}-D{index}"]

    def _posts(self, files: dict[str, PersonalFile]) -> tuple[int, int, list[FieldEvent]]:
        dest = dict(self.arrivals.select("person_id", "destination").iter_rows())
        rows = self.spells.filter(pl.col("state").is_in(list(POST_STATES))).sort("person_id", "start")
        shared: dict[tuple[str, str], Post] = {}
        farms: list[Post] = []
        spell_posts: list[Post] = []
        for pid, state, _start, _end in rows.iter_rows():
            district = self._district(files[pid], dest[pid])
            if state == "farm":
                post = Post(campaign=self.campaign, district=district, kind=PostKind.CHAIRMAN, farm_type=FarmType.ARTEL,
                            name=f"Collective farm {district.code}-{len(farms) + 1}", capacity=1)
                farms.append(post)
            else:
                key = (district.code, state)
                if key not in shared:
                    label = "Machine-tractor station" if state == "mts" else "District office"
                    shared[key] = Post(campaign=self.campaign, district=district, kind=POST_STATES[state],
                                       name=f"{label} {district.code}", capacity=0)
                post = shared[key]
                post.capacity += 1
            spell_posts.append(post)
        Post.objects.bulk_create([*farms, *shared.values()], batch_size=BATCH)
        placements, events, seen = [], [], set()
        for (pid, _state, start, end), post in zip(rows.iter_rows(), spell_posts, strict=True):
            placements.append(Placement(file=files[pid], post=post, start=start, end=end, explanation="twin replicate"))
            if pid in seen:
                events.append(FieldEvent(file=files[pid], kind=EventKind.POST_CHANGE, on=start, post=post,
                                         recorded_by=self.actor, text="twin replicate"))
            seen.add(pid)
        Placement.objects.bulk_create(placements, batch_size=BATCH)
        return len(farms) + len(shared), len(placements), events


def service_rows(campaign: Campaign, tables: dict[str, pl.DataFrame], units: dict[str, Any], actor: Any) -> Service:
    """Read the replicate's service tables and decide each selected worker's status."""
    spells, outcomes = tables["spells"], tables["outcomes"]
    arrivals = tables["placements"].select("person_id", "destination", "arrived_on")
    last = spells.sort("person_id", "start").group_by("person_id", maintain_order=True).agg(pl.col("state").last())
    exited = set(outcomes.filter(pl.col("channel").is_not_null()).get_column("person_id").to_list())
    statuses = {}
    for pid, state in last.iter_rows():
        statuses[pid] = Status.EXITED if pid in exited else Status.PLACED if state in POST_STATES else Status.ARRIVED
    for pid in arrivals.get_column("person_id").to_list():
        statuses.setdefault(pid, Status.EXITED if pid in exited else Status.ARRIVED)
    return Service(campaign=campaign, units=units, actor=actor, spells=spells, outcomes=outcomes, arrivals=arrivals,
                   journal=tables.get("field_events"), statuses={k: str(v) for k, v in statuses.items()})
