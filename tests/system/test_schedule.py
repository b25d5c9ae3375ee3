"""A scheduled entry comes out on time on a running production server, by itself: no cron
job, worker or special request, the page cache warm and answering in the meantime."""

import tempfile
import time
from pathlib import Path

from django.test import SimpleTestCase

from tools.servers import PRODUCTION_ENV, Client, build, procfile, run, web_process

SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from entries.models import Entry
due = timezone.now() + timedelta(seconds=4)
Entry.objects.create(title="Out now", text="Already there.")
Entry.objects.create(title="Out on time", text="Scheduled.", publish_at=due)
print(due.timestamp())
"""


class ScheduledEntryOnARunningServerTests(SimpleTestCase):
    def test_it_appears_at_its_time_and_not_before(self):
        tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        app = build(tmp / "app")
        env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp / 's.db'}"}
        run(procfile("release"), app, **env)
        base_url = self.enterContext(web_process(cwd=app, **env))
        said = run(["python", "manage.py", "shell", "-c", SCHEDULE], app, **env).stdout
        due = float(said.split()[-1])
        reader = Client(base_url)
        answers = 0
        while time.time() < due + 5:
            asked = time.time()
            status, _, page = reader.request("/")
            answered = time.time()
            answers += 1
            self.assertEqual(status, 200)
            self.assertIn("Out now", page)
            if "Out on time" in page:
                self.assertGreaterEqual(answered, due, "it appeared before its time")
                break
            self.assertLess(asked, due + 1, "it was still missing a second after its time")
            time.sleep(0.05)
        else:
            self.fail("it never appeared")
        self.assertGreater(answers, 20)  # Asked all along, the cache warm, not once at the end.
