"""`manage.py export_entries DIR` writes one Markdown file with YAML front matter per entry;
`manage.py import_entries DIR` reads such files back: the round trip gives the same blog."""

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import time_machine
import yaml
from django.test import TestCase

from entries.management.commands import _importing, export_entries
from entries.models import Entry, Markup, Status
from entries.tests.helpers import TTY, create_entry, create_user, run_command, titles

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def everything():
    """What the round trip must keep of each entry, oldest first."""
    return [
        (entry.title, entry.text, entry.markup, entry.status, entry.publish_at, entry.created_at,
         entry.updated_at, entry.author and entry.author.username,
         [tag.name for tag in entry.tags.all()])
        for entry in Entry.objects.order_by("created_at", "pk")
    ]  # fmt: skip


class Folder:
    def setUp(self):
        super().setUp()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.enterContext(time_machine.travel(NOW, tick=False))


class ExportTests(Folder, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = create_user("writer")

    def blog(self):
        """Entries of every kind, each with its own times."""
        with time_machine.travel(NOW - timedelta(days=3), tick=False):
            hello = create_entry("Hello, world", "# Hi\n\nSome *Markdown*.\r\n", self.writer)
            hello.set_tags(["Django", "περιεχόμενο"])
            old = create_entry("Old Flaskr", "<strong>HTML</strong> allowed", markup=Markup.HTML)
        with time_machine.travel(NOW - timedelta(days=2), tick=False):
            create_entry("Half written", "Draft text", self.writer, status=Status.DRAFT)
            create_entry("???", "No slug", publish_at=NOW + timedelta(days=30))
        with time_machine.travel(NOW - timedelta(days=1), tick=False):
            old.text = "<em>HTML</em> edited"
            old.save()
        return hello, old

    def test_each_entry_is_a_markdown_file_with_front_matter(self):
        hello, old = self.blog()
        out, err, status = run_command("export_entries", self.folder)
        self.assertEqual((out, err, status), (f"Exported 4 entries to {self.folder}.\n", "", 0))
        names = sorted(path.name for path in self.folder.iterdir())
        first = NOW - timedelta(days=3)
        self.assertEqual(
            names,
            [f"{first:%Y-%m-%d}-{hello.pk}-hello-world.md",
             f"{first:%Y-%m-%d}-{old.pk}-old-flaskr.md",
             f"{NOW - timedelta(days=2):%Y-%m-%d}-{hello.pk + 2}-half-written.md",
             f"{NOW - timedelta(days=2):%Y-%m-%d}-{hello.pk + 3}.md"],
        )  # fmt: skip
        content = (self.folder / names[0]).read_bytes().decode()
        self.assertEqual(
            content,
            "---\n"
            'title: "Hello, world"\n'
            'date: "2026-02-26T12:00:00+00:00"\n'
            'updated: "2026-02-26T12:00:00+00:00"\n'
            'created: "2026-02-26T12:00:00+00:00"\n'
            'tags: ["Django", "περιεχόμενο"]\n'
            "draft: false\n"
            'author: "writer"\n'
            "markup: markdown\n"
            "---\n"
            "# Hi\n\nSome *Markdown*.\r\n",
        )

    def test_drafts_say_so_and_have_no_date_until_they_have_a_time(self):
        self.blog()
        run_command("export_entries", self.folder)
        (draft,) = self.folder.glob("*-half-written.md")
        front = yaml.safe_load(draft.read_text().split("---\n")[1])
        self.assertEqual((front["draft"], front["date"], front["tags"]), (True, None, []))
        (scheduled,) = [p for p in self.folder.glob("*.md") if "No slug" in p.read_text()]
        front = yaml.safe_load(scheduled.read_text().split("---\n")[1])
        self.assertEqual((front["draft"], front["date"]), (False, "2026-03-31T12:00:00+00:00"))
        self.assertEqual((front["author"], front["title"]), (None, "???"))

    def test_html_entries_say_their_markup(self):
        self.blog()
        run_command("export_entries", self.folder)
        (old,) = self.folder.glob("*-old-flaskr.md")
        self.assertTrue(old.read_text().endswith("markup: html\n---\n<em>HTML</em> edited"))

    def test_exporting_again_writes_the_same_files(self):
        self.blog()
        run_command("export_entries", self.folder)
        before = {path.name: path.read_bytes() for path in self.folder.iterdir()}
        run_command("export_entries", self.folder)
        self.assertEqual({path.name: path.read_bytes() for path in self.folder.iterdir()}, before)

    def test_the_folder_is_made_when_missing(self):
        create_entry()
        out, _, status = run_command("export_entries", self.folder / "new" / "posts")
        self.assertEqual(
            (out, status), (f"Exported 1 entries to {self.folder / 'new' / 'posts'}.\n", 0)
        )

    def test_a_file_in_the_way_is_one_line(self):
        path = self.folder / "file"
        path.write_text("x")
        out, err, status = run_command("export_entries", path)
        self.assertEqual(err, f"CommandError: {path}: cannot write there: File exists.\n")
        self.assertEqual(status, 1)

    def test_a_terminal_sees_the_progress(self):
        for n in range(5):
            create_entry(f"Entry {n}")
        with mock.patch.object(export_entries, "BATCH_SIZE", 2):
            out, _, _ = run_command("export_entries", self.folder, stdout=TTY())
        self.assertEqual(out, f"\r2 of 5\r4 of 5\r5 of 5\nExported 5 entries to {self.folder}.\n")

    def test_the_round_trip_into_an_empty_blog_gives_the_same_entries(self):
        self.blog()
        expected, page = everything(), titles(self.client.get("/"))
        self.assertEqual(page, ["Old Flaskr", "Hello, world"])
        run_command("export_entries", self.folder)
        Entry.objects.all().delete()
        out, err, status = run_command("import_entries", self.folder)
        self.assertEqual((out, err, status), ("Imported 4, already there 0, refused 0.\n", "", 0))
        self.assertEqual(everything(), expected)
        self.assertEqual(titles(self.client.get("/")), page)
        # And nothing twice.
        self.assertEqual(
            run_command("import_entries", self.folder)[0],
            "Imported 0, already there 4, refused 0.\n",
        )

    def test_titles_and_tags_that_yaml_would_misread_come_back_as_they_were(self):
        for title in ["null", "2024", "yes: no", '"quoted" \\ back', "line\u2028sep\x85next\ufffe",
                      "- a list?", "# a comment?"]:  # fmt: skip
            create_entry(title, "Text").set_tags([title[:50], "ünïcode"])
        expected = everything()
        run_command("export_entries", self.folder)
        Entry.objects.all().delete()
        self.assertEqual(run_command("import_entries", self.folder)[2], 0)
        self.assertEqual(everything(), expected)


class ImportEntriesTests(Folder, TestCase):
    def file(self, name, content):
        (self.folder / name).write_bytes(content.encode() if isinstance(content, str) else content)

    def test_hand_written_files_take_what_generators_write(self):
        self.file("a.md", "---\ntitle: A post\ndate: 2024-05-01\ntags: one, Two\n---\nBody\n")
        self.file("b.md", "---\r\ntitle: Windows\r\ndate: 2024-05-02 10:00:00\r\n---\r\nText\r\n")
        self.file("c.md", "---\ntitle: 2024\ndate: 2024-05-03T10:00:00+02:00\n---\n")
        self.file("notes.txt", "not a post")
        out, err, status = run_command("import_entries", self.folder)
        self.assertEqual((out, err, status), ("Imported 3, already there 0, refused 0.\n", "", 0))
        a, b, c = Entry.objects.order_by("publish_at")
        self.assertEqual(
            (a.title, a.text, a.markup, a.import_ref),
            ("A post", "Body\n", Markup.MARKDOWN, "file:a.md"),
        )
        self.assertEqual(a.publish_at, datetime(2024, 5, 1, tzinfo=UTC))
        self.assertEqual([tag.name for tag in a.tags.all()], ["one", "Two"])
        self.assertEqual(
            (b.title, b.text, b.publish_at),
            ("Windows", "Text\r\n", datetime(2024, 5, 2, 10, tzinfo=UTC)),
        )
        self.assertEqual(
            (c.title, c.text, c.publish_at), ("2024", "", datetime(2024, 5, 3, 8, tzinfo=UTC))
        )

    def test_a_file_without_a_date_is_published_now_and_a_draft_stays_one(self):
        self.file("now.md", "---\ntitle: Now\n---\nText")
        self.file("draft.md", "---\ntitle: Draft\ndraft: true\n---\nText")
        run_command("import_entries", self.folder)
        self.assertEqual(Entry.objects.get(title="Now").publish_at, NOW)
        draft = Entry.objects.get(title="Draft")
        self.assertEqual((draft.status, draft.publish_at), (Status.DRAFT, None))
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)

    def test_the_author_is_the_user_of_that_name_if_there_is_one(self):
        writer = create_user("writer")
        self.file("a.md", "---\ntitle: A\nauthor: writer\n---\nText")
        self.file("b.md", "---\ntitle: B\nauthor: stranger\n---\nText")
        run_command("import_entries", self.folder)
        self.assertEqual(Entry.objects.get(title="A").author, writer)
        self.assertIsNone(Entry.objects.get(title="B").author)

    def test_files_that_cannot_be_taken_are_named_with_the_reason_and_the_rest_imported(self):
        self.file("1-fine.md", "---\ntitle: Fine\n---\nText")
        self.file("2-long.md", f"---\ntitle: {'x' * 201}\n---\nText")
        self.file("3-no-front-matter.md", "Just text")
        self.file("4-bad-yaml.md", "---\ntitle: [unclosed\n---\nText")
        self.file("5-list.md", "---\n- a\n- b\n---\nText")
        self.file("6-bad-date.md", "---\ntitle: T\ndate: next Tuesday\n---\nText")
        self.file("7-bad-tags.md", "---\ntitle: T\ntags: {a: 1}\n---\nText")
        self.file("8-latin-1.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
        self.file("9-markup.md", "---\ntitle: T\nmarkup: rst\n---\nText")
        self.file("10-long-text.md", "---\ntitle: T\n---\n" + "y" * 100_001)
        self.file("11-number-date.md", "---\ntitle: T\ndate: 12\n---\nText")
        out, err, status = run_command("import_entries", self.folder)
        self.assertEqual(out, "Imported 1, already there 0, refused 10.\n")
        self.assertEqual(
            err.splitlines(),
            [
                "2-long.md: refused: title: Ensure this value has at most 200 characters "
                "(it has 201).",
                "3-no-front-matter.md: refused: no front matter (a first line ---, and another "
                "after it).",
                "4-bad-yaml.md: refused: the front matter is not YAML: while parsing a flow "
                "sequence in "
                '"<unicode string>", line 1, column 8 did not find expected \',\' or \']\' '
                'in "<unicode string>", line 2, column 1',
                "5-list.md: refused: the front matter is not YAML keys and values.",
                "6-bad-date.md: refused: date: not a time: 'next Tuesday'.",
                "7-bad-tags.md: refused: tags: not a list of names.",
                "8-latin-1.md: refused: not UTF-8 text.",
                "9-markup.md: refused: markup: Value 'rst' is not a valid choice.",
                "10-long-text.md: refused: text: Ensure this value has at most 100000 "
                "characters (it has 100001).",
                "11-number-date.md: refused: date: not a time: 12.",
                "CommandError: 10 refused (listed above); the rest was imported.",
            ],
        )  # fmt: skip
        self.assertEqual(status, 2)
        self.assertEqual(list(Entry.objects.values_list("title", flat=True)), ["Fine"])

    def test_a_missing_folder_is_one_line(self):
        missing = self.folder / "missing"
        self.assertEqual(
            run_command("import_entries", missing),
            ("", f"CommandError: {missing}: no such folder.\n", 1),
        )
        self.file("a.md", "---\ntitle: A\n---\n")
        self.assertEqual(
            run_command("import_entries", self.folder / "a.md"),
            ("", f"CommandError: {self.folder / 'a.md'}: no such folder.\n", 1),
        )

    def test_files_go_in_in_the_order_of_the_numbers_in_their_names(self):
        """Entries of one time are in the order of their ids, which export_entries names."""
        for n in [9, 10, 100]:
            self.file(f"2024-01-01-{n}.md", f"---\ntitle: Entry {n}\ndate: 2024-01-01\n---\nText")
        run_command("import_entries", self.folder)
        self.assertEqual(titles(self.client.get("/")), ["Entry 100", "Entry 10", "Entry 9"])

    def test_files_go_in_by_batches(self):
        for n in range(7):
            self.file(f"{n}.md", f"---\ntitle: Entry {n}\ndate: 2024-01-0{n + 1}\n---\nText")
        with mock.patch.object(_importing, "BATCH_SIZE", 3):
            self.assertEqual(
                run_command("import_entries", self.folder)[0],
                "Imported 7, already there 0, refused 0.\n",
            )
        self.assertEqual(titles(self.client.get("/"))[:2], ["Entry 6", "Entry 5"])
