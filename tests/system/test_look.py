"""The look, measured in Chromium: a readable measure, no sideways scroll on a 320-pixel phone
(code and tables scroll inside themselves), a dark scheme, visible focus, a print style."""

from entries.tests.helpers import create_entry
from tests.system.test_browser import ChromiumTestCase
from tools import demo

# How many characters of running text one line of a paragraph holds.
CHARACTERS_PER_LINE = """(paragraph) => {
  const probe = document.createElement("span");
  probe.textContent = "The original tutorial builds the blog test first: each step starts. ";
  paragraph.append(probe);
  const perCharacter = probe.getBoundingClientRect().width / probe.textContent.length;
  probe.remove();
  return paragraph.clientWidth / perCharacter;
}"""
PAGE_WIDTH = "document.scrollingElement.scrollWidth"
SCROLLS_INSIDE = "(element) => element.scrollWidth > element.clientWidth"
LUMINANCE = """(element) => {
  const [r, g, b] = getComputedStyle(element).backgroundColor.match(/\\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


class LookTests(ChromiumTestCase):
    def setUp(self):
        super().setUp()
        self.entry = demo.create_blog(count=3)
        self.url = self.live_server_url + self.entry.get_absolute_url()

    def open(self, width=1280, url=None, **options):
        context = self.browser.new_context(viewport={"width": width, "height": 800}, **options)
        self.addCleanup(context.close)
        page = self.new_page(context)
        page.goto(url or self.url)
        return page

    def test_a_line_of_text_holds_about_seventy_characters(self):
        page = self.open()
        paragraph = page.locator(".text p").first
        self.assertTrue(60 <= paragraph.evaluate(CHARACTERS_PER_LINE) <= 80)

    def test_a_320_pixel_phone_never_scrolls_sideways(self):
        """Long words and URLs wrap; the long line of code and the wide table scroll inside
        their blocks, which the keyboard can reach."""
        create_entry("Averyveryverylongwordwithoutanyspace" * 3, "https://example.com/" + "x" * 200)
        for url in [self.url, self.live_server_url + "/"]:
            with self.subTest(url=url):
                page = self.open(width=320, url=url)
                self.assertLessEqual(page.evaluate(PAGE_WIDTH), 320)
        page = self.open(width=320)
        for block in [page.locator(".text pre"), page.locator(".text table")]:
            self.assertTrue(block.evaluate(SCROLLS_INSIDE))
            self.assertEqual(block.get_attribute("tabindex"), "0")
        self.assertEqual(self.problems, [])

    def test_the_dark_scheme_is_dark_and_the_light_one_light(self):
        light = self.open(color_scheme="light")
        dark = self.open(color_scheme="dark")
        for element in ["body", ".page", ".text pre"]:
            with self.subTest(element=element):
                self.assertGreater(light.locator(element).evaluate(LUMINANCE), 0.8)
                self.assertLess(dark.locator(element).evaluate(LUMINANCE), 0.2)

    def test_the_keyboards_focus_is_visible(self):
        page = self.open()
        page.keyboard.press("Tab")
        focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        self.assertEqual(focused, "solid")
        self.assertEqual(page.locator("h1 a").evaluate("a => a === document.activeElement"), True)

    def test_on_paper_the_text_alone_black_on_white_with_each_links_address(self):
        page = self.open(color_scheme="dark")
        page.emulate_media(media="print")
        self.assertFalse(page.locator(".metanav").is_visible())
        self.assertFalse(page.locator("nav.neighbours").is_visible())
        self.assertAlmostEqual(page.locator("body").evaluate(LUMINANCE), 1)
        text = page.locator(".text p", has_text="The whole story")
        self.assertEqual(text.evaluate("p => getComputedStyle(p).color"), "rgb(0, 0, 0)")
        link = text.locator("a")
        after = link.evaluate("a => getComputedStyle(a, '::after').content")
        self.assertIn("https://github.com/mjhea0/flaskr-tdd", after)
