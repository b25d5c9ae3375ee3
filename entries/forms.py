import re
from datetime import UTC, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db import router, transaction
from django.utils import timezone
from django.utils.timezone import get_default_timezone

from entries import search
from entries import text as texts
from entries.models import TAG_LENGTH, Entry, Status

MAX_TAGS = 100
# YYYY-MM-DDTHH:MM, seconds optional (a fraction too, as browsers may send), and an offset.
TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)?")
TIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> shows and sends


class TextField(forms.CharField):
    """A CharField that drops control characters (a NUL byte included) instead of refusing
    them: what a browser sends is stored, less what no page or feed could show."""

    def to_python(self, value):
        return texts.drop_control_characters(super().to_python(value))


class TimeField(forms.CharField):
    """A time as YYYY-MM-DDTHH:MM (seconds and a Z or +HH:MM offset optional); without an
    offset, in the blog's time zone (DJANGO_TIME_ZONE). Empty: None."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=TIME_FORMAT)
    default_error_messages = {
        "invalid": "Enter a time as YYYY-MM-DDTHH:MM, optionally with seconds and an offset "
        "such as Z or +02:00.",
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        # The code is for code that inspects the form; readers see the message.
        message = self.error_messages["invalid"]
        invalid = forms.ValidationError(message, code="invalid")  # pragma: no mutate
        if not TIME.fullmatch(value):
            raise invalid
        try:
            when = datetime.fromisoformat(value)  # A space for the T as well.
            if when.tzinfo is None:
                when = when.replace(tzinfo=get_default_timezone())
            # Within the years a database stores. (The process's zone, which Django sets to
            # TIME_ZONE, would do as well but within hours of the year 10000.)
            when.astimezone(UTC)  # pragma: no mutate
        except (ValueError, OverflowError):
            raise invalid from None
        return when

    def prepare_value(self, value):
        if isinstance(value, datetime):
            # Django makes TIME_ZONE the process's own zone as well (on Unix): the default
            # of astimezone() would show the same, which no test can tell.
            local = value.astimezone(get_default_timezone())  # pragma: no mutate
            return local.strftime(TIME_FORMAT)
        return value


def tag_names(value):
    """The names in a comma-separated list: blanks dropped, spaces made single."""
    names = [" ".join(texts.drop_control_characters(name).split()) for name in value.split(",")]
    return [name for name in names if name]


def check_tags(names):
    """The names, if an entry may have them all (the forms' rule and the imports')."""
    too_long = [name for name in names if len(name) > TAG_LENGTH]
    if too_long:
        raise forms.ValidationError(
            f"A tag is at most {TAG_LENGTH} characters: {too_long[0][:TAG_LENGTH]}…"
        )
    if len(names) > MAX_TAGS:
        raise forms.ValidationError(f"At most {MAX_TAGS} tags, not {len(names)}.")
    return names


class EntryForm(forms.ModelForm):
    """The add and edit form, and the admin's (EntryAdmin.form): all three validate what will
    be stored."""

    status = forms.ChoiceField(
        choices=Status,
        initial=Status.PUBLISHED,
        required=False,
        widget=forms.RadioSelect,
        help_text="A draft is seen only by you and the editors.",
    )
    publish_at = TimeField(
        required=False,
        label="Publish at",
        help_text="Empty: now. A future time schedules the entry; a past one backdates it.",
    )
    tags = forms.CharField(
        required=False, help_text="Comma-separated, such as: django, testing, jQuery."
    )

    class Meta:
        model = Entry
        fields = ["title", "text", "tags", "status", "publish_at"]
        field_classes = {"title": TextField, "text": TextField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def clean_tags(self):
        return check_tags(tag_names(self.cleaned_data["tags"]))

    def clean_status(self):
        # Absent, as from the tutorial's form: published (an edit keeps the entry's status).
        return self.cleaned_data["status"] or self.instance.status

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        saved = self.instance.publish_at
        if when is None:
            if self.cleaned_data.get("status") != Status.PUBLISHED:
                return None
            # Empty: the moment the entry is published: now, or when it was, if it is.
            return saved if self.instance.pk and self.instance.is_published else timezone.now()
        # The form shows the saved time to the minute: sent back as shown, it stays exact.
        field = self.fields["publish_at"]
        if saved and field.prepare_value(saved) == field.prepare_value(when):
            return saved
        return when

    def clean(self):
        """The text must render (not nested too deeply) to something a reader sees: a text of
        nothing but a <script> is blank."""
        cleaned = super().clean()
        if "text" in cleaned:
            markup = cleaned.get("markup", self.instance.markup)
            try:
                html = texts.render(cleaned["text"], markup)
            except forms.ValidationError as error:
                self.add_error("text", error)
            else:
                if not texts.visible_text(html):
                    message = self.fields["text"].error_messages["required"]
                    # The code is for code that inspects the form; readers see the message.
                    self.add_error("text", forms.ValidationError(message, "required"))
        return cleaned

    def save(self, commit=True):
        # The entry and its tags in one transaction: no reader sees the one without the other.
        # The project has one database.
        with transaction.atomic(using=router.db_for_write(Entry)):  # pragma: no mutate
            return super().save(commit)

    def _save_m2m(self):
        # `tags` is this form's list of names, not the model's ManyToManyField.
        self.instance.set_tags(self.cleaned_data["tags"])


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
