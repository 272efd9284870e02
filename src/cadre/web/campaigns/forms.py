"""Forms of the director's pages."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from cadre.web.campaigns.models import DeadlineKind, Template


class CampaignCreateForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=Template.choices, initial=Template.USSR_1929)
    name = forms.CharField(label=_("Name"), max_length=200, initial=_("The 25,000ers, 1929-30"))
    slug = forms.SlugField(label=_("Short name (in addresses)"), max_length=64, initial="ussr-1929")
    selection_opens_on = forms.DateField(label=_("Final selection opens on"), initial=date(1930, 1, 10),
                                         widget=forms.DateInput(attrs={"type": "date"}))


class RulebookForm(forms.Form):
    text = forms.CharField(label=_("Rulebook (TOML)"), widget=forms.Textarea(attrs={"class": "toml", "spellcheck": "false"}))


class DeadlineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=DeadlineKind.choices)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
