"""Forms of the screening pages. The questionnaire is built from the engine's personal-file schema.

Forms only shape input; the engine validates it (through the services), and the views put every problem
the engine reports at its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadre.engine.schema import Column, Kind
from cadre.web.bridge.schema import schema
from cadre.web.files.reasons import ReasonCode

__all__ = ["ASKED", "BulkDecisionForm", "DecisionForm", "QuestionnaireForm", "ReferenceUploadForm", "problems_at"]

#: Questionnaire columns the volunteer fills, in the order of the 1929 questionnaire (SYSTEM.md §3.3).
#: Not asked: the file's number, region, factory and union (from the factory), the committee's judgement
#: of quality, and the historical political criterion (SYSTEM.md §7).
ASKED = ("sex", "age", "trade", "skill_grade", "years_at_factory", "party_status", "party_joined", "activist_roles",
         "civil_war_service", "village_ties", "dependents", "education", "wage", "health", "heavy_drinking",
         "labor_violations", "recruitment", "reference_from")

LABELS = {
    "sex": _("Sex"), "age": _("Age"), "trade": _("Trade"), "skill_grade": _("Skill grade (1-8)"),
    "years_at_factory": _("Years at the factory bench"), "party_status": _("Party status"),
    "party_joined": _("Year joined the party or Komsomol"), "activist_roles": _("Activist roles"),
    "civil_war_service": _("Served in the civil war"), "village_ties": _("Ties to the land"),
    "dependents": _("Dependents"), "education": _("Education"), "wage": _("Monthly wage"),
    "health": _("Health"), "heavy_drinking": _("Record of heavy drinking"),
    "labor_violations": _("Record of labor-discipline violations"), "recruitment": _("Volunteered or mobilized"),
    "reference_from": _("Reference from"),
}
CHOICES = {
    "male": _("male"), "female": _("female"), "party": _("party member"), "komsomol": _("Komsomol member"),
    "nonparty": _("non-party"), "factory_committee": _("factory committee"), "shop_bureau": _("shop bureau"),
    "shock_worker": _("shock worker"), "party_work": _("party work"), "union_work": _("union work"),
    "komsomol_work": _("Komsomol work"), "patronage_brigade": _("patronage brigade"),
    "worker_correspondent": _("worker correspondent"), "none": _("none"), "family": _("immediate family in a village"),
    "farm": _("own farm in a village"), "commuter": _("commutes from a village"),
    "recent_arrival": _("recent arrival from the countryside"), "illiterate": _("illiterate"),
    "literate": _("literate"), "primary": _("primary school"), "secondary": _("secondary school"),
    "higher": _("higher education"), "fit": _("fit for the work"), "limited": _("limited"), "unfit": _("unfit"),
    "volunteered": _("volunteered"), "mobilized": _("mobilized (party or Komsomol)"), "party_cell": _("party cell"),
}


def _field(column: Column) -> forms.Field:
    label = LABELS.get(column.name, column.description)
    help_text = column.description
    if column.kind == Kind.ENUM:
        choices = [(v, CHOICES.get(v, v)) for v in column.allowed]
        return forms.ChoiceField(label=label, choices=[("", "—"), *choices], required=column.required,
                                 help_text=help_text)
    if column.kind == Kind.ENUM_LIST:
        return forms.MultipleChoiceField(label=label, choices=[(v, CHOICES.get(v, v)) for v in column.allowed],
                                         required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text)
    if column.kind == Kind.BOOL:
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if column.kind == Kind.INT:
        return forms.IntegerField(label=label, required=column.required, help_text=help_text,
                                  min_value=None if column.minimum is None else int(column.minimum),
                                  max_value=None if column.maximum is None else int(column.maximum))
    if column.kind == Kind.FLOAT:
        return forms.FloatField(label=label, required=column.required, help_text=help_text,
                                min_value=column.minimum, max_value=column.maximum)
    return forms.CharField(label=label, required=column.required, max_length=64, help_text=help_text)


class QuestionnaireForm(forms.Form):
    """The personal file a volunteer fills in: one field per asked column of the engine's schema."""

    def __init__(self, *args: Any, factories: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if factories and len(factories) > 1:
            self.fields["factory"] = forms.ChoiceField(label=_("Factory"), choices=factories)
        for name in ASKED:
            self.fields[name] = _field(schema()[name])

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as the service takes them (empty optional answers left out)."""
        return {name: self.cleaned_data[name] for name in ASKED if self.cleaned_data.get(name) not in (None, "")}


def problems_at(form: forms.Form, problems: list[str]) -> list[str]:
    """Put each engine problem ("column: message") at its field; return those that belong to no field."""
    loose = []
    for problem in problems:
        column, _sep, message = problem.partition(": ")
        if column in form.fields and message:
            form.add_error(column, message)
        else:
            loose.append(problem)
    return loose


class ReferenceUploadForm(forms.Form):
    reference = forms.FileField(label=_("Reference (plain-text file)"),
                                help_text=_("The reference letter from your party cell or factory committee."))


def reason_choices(criteria: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """Reason codes a rejection may cite: the rulebook's criteria and the committee's judgement."""
    return [("", "—"), (ReasonCode.COMMITTEE_JUDGEMENT.value, _("committee judgement (explain in words)")),
            *[(code, f"{code}: {label}") for code, label in criteria]]


class DecisionForm(forms.Form):
    """One decision on one file; the move is the button pressed (``action`` and ``as_role``)."""

    move = forms.CharField(widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(label=_("Reason"), required=False)
    reason = forms.CharField(label=_("The committee's words"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, criteria: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = reason_choices(list(criteria))

    def move_parts(self) -> tuple[str, str | None]:
        """(action, as_role) of the pressed button ``role:action`` (or just ``action``)."""
        role, _sep, action = self.cleaned_data["move"].rpartition(":")
        return action, role or None


class BulkDecisionForm(forms.Form):
    """One decision for many files of the queue."""

    files = forms.MultipleChoiceField(label=_("Files"), widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("tick at least one file")})
    action = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("approve")), ("reject", _("reject"))])
    reason_code = forms.ChoiceField(label=_("Reason"), required=False)
    reason = forms.CharField(label=_("The committee's words"), required=False, max_length=2000)

    def __init__(self, *args: Any, person_ids: list[str] = (), criteria: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [(p, p) for p in person_ids]
        self.fields["reason_code"].choices = reason_choices(list(criteria))
