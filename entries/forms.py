from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from entries import search
from entries.models import Entry, drop_control_characters, stored_text, visible_text


class TextField(forms.CharField):
    """A CharField that drops control characters (a NUL byte included) instead of refusing
    them: what a browser sends is stored, less what no page or feed could show."""

    def to_python(self, value):
        return drop_control_characters(super().to_python(value))


class EntryForm(forms.ModelForm):
    """The add form, and the admin's (EntryAdmin.form): both validate what will be stored."""

    class Meta:
        model = Entry
        fields = ["title", "text"]
        field_classes = {"title": TextField, "text": TextField}

    def clean_text(self):
        """The text as stored: sanitized. Escaping can make it longer than what was typed,
        so its length is checked again; a text with nothing left to show is blank."""
        text = stored_text(self.cleaned_data["text"])
        if not visible_text(text).strip():
            message = self.fields["text"].error_messages["required"]
            raise forms.ValidationError(message, "required")  # pragma: no mutate: code for code
        # A TextField's max_length is not checked by the model: check the stored length here.
        MaxLengthValidator(Entry._meta.get_field("text").max_length)(text)
        return text


class SearchForm(forms.Form):
    query = forms.CharField(
        label="Search",
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
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
