from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Blog entries"

    def ready(self):
        from entries.caching import author_saved, blog_changed

        # Pages show entries and their authors' names: a change to either is a new blog.
        # (Connecting the same function to the same model again is a no-op.)
        # The app registry finds a model by its name in any case.
        entry, user = self.get_model("Entry"), get_user_model()  # pragma: no mutate
        post_save.connect(blog_changed, sender=entry)
        post_delete.connect(blog_changed, sender=entry)
        post_save.connect(author_saved, sender=user)
        post_delete.connect(blog_changed, sender=user)
