"""`make tutorial-check`: docs/tutorial.md, followed from an empty folder, does what it says.

scripts/tutorial_check.py builds the learner's blog from the page's own marked blocks; these
tests run it on the page, and on copies of the page with one thing changed, which it must
refuse. It installs the page's pinned packages into a venv of its own (pip, as a learner does).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from tools.servers import BASE_DIR

PAGE = BASE_DIR / "docs" / "tutorial.md"


def check(page_text=None):
    """Run the check on the page, or on `page_text` instead; return (exit status, output)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, str(BASE_DIR / "scripts" / "tutorial_check.py")]
        if page_text is not None:
            page = Path(tmp) / "tutorial.md"
            page.write_text(page_text)
            command += ["--page", str(page)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    return result.returncode, result.stdout + result.stderr


def changed(old, new):
    text = PAGE.read_text()
    assert old in text, old
    return text.replace(old, new, 1)


class TutorialCheckTests(SimpleTestCase):
    def test_the_page_builds_the_blog_red_then_green_at_every_step(self):
        status, output = check()
        self.assertEqual(status, 0, output)
        self.assertIn("tutorial-check passed", output)
        reds = PAGE.read_text().count("<!-- check: red -->")
        self.assertGreaterEqual(reds, 10)
        self.assertEqual(output.count("red as the page says"), reds, output)
        self.assertIn("served / with 'No entries yet. Add some!'", output)

    def test_a_changed_red_message_fails(self):
        status, output = check(
            changed("E       AssertionError: 404 != 200", "E       AssertionError: 500 != 200")
        )
        self.assertEqual(status, 1, output)
        self.assertIn("the page expects RED with:", output)
        self.assertIn("E       AssertionError: 404 != 200", output)  # What the test really says.

    def test_a_changed_green_block_fails(self):
        status, output = check(
            changed(
                'path("", views.index, name="index")', 'path("home", views.index, name="index")'
            )
        )
        self.assertEqual(status, 1, output)
        self.assertIn("the page expects GREEN with:", output)
        self.assertIn("E       AssertionError: 404 != 200", output)

    def test_a_pin_other_than_the_projects_fails_before_building(self):
        status, output = check(changed("pip install Django==6.1.3", "pip install Django==6.1.2"))
        self.assertEqual(status, 1, output)
        self.assertIn("the page pins Django==6.1.2; the project pins 6.1.3", output)
        self.assertNotIn("ran pip install", output)
