"""Forms of the field journal: each kind of event asks for what it needs, and refuses bad input at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadre.web.field.models import Channel, EventKind
from cadre.web.placement.forms import DateField

__all__ = ["EventForm", "ExitForm", "PlaceForm"]

_MOVES = (EventKind.POST_CHANGE, EventKind.TRANSFER)


class PlaceForm(forms.Form):
    """Put an arrived worker in a post, or move a placed one (a transfer)."""

    post = forms.ChoiceField(label=_("post"))
    on = DateField(label=_("from"))

    def __init__(self, *args: Any, posts: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = posts


class EventForm(forms.Form):
    """An event of field service (not an exit, which has its own form)."""

    kind = forms.ChoiceField(label=_("what happened"), choices=[(k, v) for k, v in EventKind.choices
                                                                if k not in (*_MOVES, EventKind.EXIT)])
    on = DateField(label=_("on"))
    amount = forms.DecimalField(label=_("amount (roubles)"), required=False, min_value=0, max_digits=10,
                                decimal_places=2)
    addressee = forms.CharField(label=_("to whom / with whom"), required=False, max_length=200)
    text = forms.CharField(label=_("what"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == EventKind.SALARY_PAID and data.get("amount") is None:
            self.add_error("amount", _("a salary payment needs its amount"))
        if kind in (EventKind.COMPLAINT, EventKind.CONFLICT) and not (data.get("text") or "").strip():
            self.add_error("text", _("say what the complaint or conflict is about"))
        if kind == EventKind.COMPLAINT and not (data.get("addressee") or "").strip():
            self.add_error("addressee", _("a complaint or letter is addressed to someone"))
        return data


class ExitForm(forms.Form):
    """The end of a worker's field service, with its channel."""

    on = DateField(label=_("left on"))
    channel = forms.ChoiceField(label=_("how (exit channel)"), choices=[("", "-"), *Channel.choices])
    text = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
