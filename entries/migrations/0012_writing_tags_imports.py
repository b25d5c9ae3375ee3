"""Writing like a blogger (Markdown, drafts, schedules, permalinks), tags, and imports.

Entries get their Markdown source (`text`, as typed) apart from what pages show (`html`,
rendered and sanitized at save), a status and a publication time, a slug, tags (with a copy
of the status and time on each tagging, for tag pages), and the source of an imported entry.
The entries written before keep exactly the page they had: their text is HTML (`markup`
html), already sanitized, shown as it is; they were published when they were written.

On SQLite, Django makes the table anew for some of these changes, which drops the triggers
that keep the search index in step (migration 0009): they are made again at the end.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from entries.models import entry_slug

BATCH = 2000
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS entries_entry_fts_insert AFTER INSERT ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(rowid, title, plain_text)
        VALUES (new.id, new.title, new.plain_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS entries_entry_fts_delete AFTER DELETE ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, plain_text)
        VALUES ('delete', old.id, old.title, old.plain_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS entries_entry_fts_update
    AFTER UPDATE OF title, plain_text ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, plain_text)
        VALUES ('delete', old.id, old.title, old.plain_text);
        INSERT INTO entries_entry_fts(rowid, title, plain_text)
        VALUES (new.id, new.title, new.plain_text);
    END""",
]


def entries_written_before(apps, schema_editor):
    Entry = apps.get_model("entries", "Entry")
    Entry.objects.update(
        markup="html", html=models.F("text"), publish_at=models.F("created_at")
    )
    entries = []
    for entry in Entry.objects.only("title").iterator(chunk_size=BATCH):
        entry.slug = entry_slug(entry.title)
        entries.append(entry)
        if len(entries) == BATCH:
            Entry.objects.bulk_update(entries, ["slug"])
            entries = []
    Entry.objects.bulk_update(entries, ["slug"])


def search_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('entries', '0011_trigram_indexes_without_pending_list'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OldTagSlug',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(allow_unicode=True, max_length=60, unique=True)),
            ],
        ),
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50)),
                ('key', models.CharField(editable=False, max_length=1000, unique=True)),
                ('slug', models.SlugField(allow_unicode=True, editable=False, max_length=60, unique=True)),
            ],
            options={
                'ordering': ['key'],
            },
        ),
        migrations.CreateModel(
            name='Tagging',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('published', 'Published'), ('draft', 'Draft')], default='published', max_length=10)),
                ('publish_at', models.DateTimeField(null=True)),
            ],
        ),
        migrations.AlterModelOptions(
            name='entry',
            options={'ordering': ['-publish_at', '-id'], 'verbose_name_plural': 'entries'},
        ),
        migrations.RemoveIndex(
            model_name='entry',
            name='entry_newest_first',
        ),
        migrations.AddField(
            model_name='entry',
            name='html',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='entry',
            name='import_ref',
            field=models.CharField(blank=True, editable=False, max_length=500, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='entry',
            name='markup',
            field=models.CharField(choices=[('markdown', 'Markdown'), ('html', 'HTML')], default='markdown', max_length=10),
        ),
        migrations.AddField(
            model_name='entry',
            name='publish_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='publish at'),
        ),
        migrations.AddField(
            model_name='entry',
            name='slug',
            field=models.SlugField(allow_unicode=True, default='', editable=False, max_length=60),
        ),
        migrations.AddField(
            model_name='entry',
            name='status',
            field=models.CharField(choices=[('published', 'Published'), ('draft', 'Draft')], default='published', max_length=10),
        ),
        migrations.AlterField(
            model_name='entry',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name='entry',
            name='text',
            field=models.TextField(help_text='Markdown; HTML is allowed too.', max_length=100000),
        ),
        migrations.AddField(
            model_name='oldtagslug',
            name='tag',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='old_slugs', to='entries.tag'),
        ),
        migrations.AddField(
            model_name='tagging',
            name='entry',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='taggings', to='entries.entry'),
        ),
        migrations.AddField(
            model_name='tagging',
            name='tag',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='taggings', to='entries.tag'),
        ),
        migrations.AddField(
            model_name='entry',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='entries', through='entries.Tagging', to='entries.tag'),
        ),
        migrations.RunPython(entries_written_before, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['status', '-publish_at', '-id'], name='entry_published_newest'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), ('publish_at__isnull', False), _connector='OR'), name='entry_published_has_a_time'),
        ),
        migrations.AddIndex(
            model_name='tagging',
            index=models.Index(fields=['tag', 'status', '-publish_at', '-entry'], name='tagging_newest'),
        ),
        migrations.AddConstraint(
            model_name='tagging',
            constraint=models.UniqueConstraint(fields=('tag', 'entry'), name='tagging_once'),
        ),
        migrations.RunPython(search_triggers_again, migrations.RunPython.noop),
    ]
