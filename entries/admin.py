from django.contrib import admin

from entries.forms import EntryForm
from entries.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    form = EntryForm  # The same validation as /add: clean, sanitized, short enough as stored.
    fields = ["title", "text", "author", "created_at"]
    list_display = ["title", "author", "created_at"]
    list_filter = ["author"]
    list_select_related = ["author"]
    search_fields = ["title", "text"]
    date_hierarchy = "created_at"
    raw_id_fields = ["author"]
