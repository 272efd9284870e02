"""Forms of the course pages: bad dates and numbers are refused at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadre.web.placement.forms import DateField

__all__ = ["CohortForm", "CompleteForm", "WaiveForm"]


class CohortForm(forms.Form):
    """A new cohort of the course."""

    organizer = forms.ChoiceField(label=_("organized by"))
    name = forms.CharField(label=_("name"), max_length=200)
    starts_on = DateField(label=_("starts on"))
    ends_on = DateField(label=_("ends on"))
    capacity = forms.IntegerField(label=_("places"), min_value=1, max_value=10_000, initial=30)

    def __init__(self, *args: Any, units: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["organizer"].choices = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("a course cannot end before it starts"))
        return data


class CompleteForm(forms.Form):
    """The course completed: days attended and the day it ended."""

    days_attended = forms.IntegerField(label=_("days attended"), min_value=1, max_value=366)
    completed_on = DateField(label=_("completed on"))


class WaiveForm(forms.Form):
    """The course waived, with its reason."""

    reason = forms.CharField(label=_("reason for the waiver"), max_length=300)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("a waiver needs its reason"))
        return reason
