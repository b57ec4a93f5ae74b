from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from journeys.models import Role


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_(
            "Only used if you forget your password. Leave it empty if you would rather not give it."
        ),
    )
    role = forms.ChoiceField(
        label=_("Which describes you?"),
        choices=Role,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("This chooses which questions you see. You can change it later."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]
        help_texts = {
            "username": _("A first name or a made-up name is fine. Letters, digits and @ . + - _"),
        }
