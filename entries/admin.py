from django.contrib import admin

from entries.forms import EntryForm
from entries.models import Entry, Tag


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """The admin follows the pages' rules: with entries.change_entry (or delete_entry), every
    entry; without, a staff user who may post sees and changes only their own."""

    form = EntryForm  # The same validation as /add: clean, sanitized, short enough as stored.
    list_display = ["title", "author", "status", "publish_at"]
    list_filter = ["status", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "text"]
    date_hierarchy = "publish_at"
    raw_id_fields = ["author"]

    def get_fields(self, request, obj=None):
        # `tags` is EntryForm's comma-separated list of names, not the ManyToManyField that
        # the admin's checks would refuse in a `fields` attribute (it has a through model).
        return ["title", "text", "markup", "tags", "status", "publish_at", "author"]

    def get_queryset(self, request):
        entries = super().get_queryset(request)  # pragma: no mutate: Django's ignores request
        if self.sees_every_entry(request.user):
            return entries
        return entries.filter(author=request.user)

    def sees_every_entry(self, user):
        return any(
            user.has_perm(f"entries.{right}_entry") for right in ["view", "change", "delete"]
        )

    def has_view_permission(self, request, obj=None):
        # Django's has_view_permission() does not look at the entry: the permission alone.
        return super().has_view_permission(request) or self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:  # The list: a writer may open it, to find their own entries.
            return super().has_change_permission(request) or request.user.has_perm(
                "entries.add_entry"
            )
        return obj.may_change(request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is None:  # The list's bulk action: only for those who may delete any entry.
            return super().has_delete_permission(request)
        return obj.may_delete(request.user)

    def get_readonly_fields(self, request, obj=None):
        # An author may not hand their entry to someone else; an editor may.
        return [] if request.user.has_perm("entries.change_entry") else ["author"]

    def save_model(self, request, obj, form, change):
        if not change and obj.author is None:
            obj.author = request.user
        # Django's save_model() is obj.save(): it reads none of the other arguments.
        super().save_model(request, obj, form, change)  # pragma: no mutate


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """A tag's name may change (its old address then answers 301); its slug follows."""

    fields = ["name"]
    list_display = ["name", "slug"]
    search_fields = ["name"]
