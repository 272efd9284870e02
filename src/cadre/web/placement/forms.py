"""Forms of the placement pages: each rejects bad input at its field before any service is called."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from cadre.web.placement.models import FarmType, PostKind

__all__ = ["ArrivalForm", "DateForm", "FlowForm", "PlacementRunForm", "PostForm"]

_EARLIEST = date(1900, 1, 1)


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and value < _EARLIEST:
            raise forms.ValidationError(_("a date after 1900, please"))


class DateForm(forms.Form):
    """One day (of departure, of arrival)."""

    on = DateField(label=_("on"))


class ArrivalForm(DateForm):
    """Arrival: the day and the receiving office (a district of the destination, or the region itself)."""

    unit = forms.ChoiceField(label=_("received by"), required=False)

    def __init__(self, *args: object, units: list[tuple[str, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = [("", _("the worker's destination region")), *units]


class FlowForm(forms.Form):
    """One cell of the origin-destination plan."""

    origin = forms.CharField(label=_("from"), max_length=8)
    destination = forms.CharField(label=_("to"), max_length=8)
    n = forms.IntegerField(label=_("workers"), min_value=0, max_value=100_000)


class PlacementRunForm(forms.Form):
    """Run the optimizer over the workers arrived in a region or district."""

    region = forms.ChoiceField(label=_("where"))
    start = DateField(label=_("posts held from"))

    def __init__(self, *args: object, units: list[tuple[str, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"].choices = units


class PostForm(forms.Form):
    """A post in a district."""

    district = forms.ChoiceField(label=_("district"))
    kind = forms.ChoiceField(label=_("kind"), choices=PostKind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    capacity = forms.IntegerField(label=_("places"), min_value=1, max_value=10_000, initial=1)
    farm_type = forms.ChoiceField(label=_("farm type"), choices=[("", "-"), *FarmType.choices], required=False)

    def __init__(self, *args: object, districts: list[tuple[str, str]] = (), editing: bool = False,  # type: ignore[assignment]
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].choices = districts
        if editing:  # a post keeps its district and kind; open another post for a different one
            del self.fields["district"]
            del self.fields["kind"]
