from django.contrib import admin

from entries.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "created_at"]
    list_filter = ["author"]
    list_select_related = ["author"]
    search_fields = ["title", "text"]
    date_hierarchy = "created_at"
    raw_id_fields = ["author"]
