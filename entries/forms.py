from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm

from entries.models import Entry


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["title", "text"]


class SearchForm(forms.Form):
    query = forms.CharField(
        label="Search", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )


class LoginForm(AuthenticationForm):
    """Django's login form, with the tutorial's two messages for the two mistakes."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_username": "Invalid username",
        "invalid_password": "Invalid password",
    }

    def get_invalid_login_error(self):
        username = self.cleaned_data.get("username")
        user_model = get_user_model()
        if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
            code = "invalid_password"
        else:
            code = "invalid_username"
        # The code is for code that inspects the form; readers see the message.
        return forms.ValidationError(self.error_messages[code], code=code)  # pragma: no mutate
