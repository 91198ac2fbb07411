from django.template import Context, Template
from django.test import SimpleTestCase


class FileMessageTests(SimpleTestCase):
    def render(self, message) -> str:
        return Template("{{ message|file_message }}").render(Context({"message": message}))

    def test_the_values_a_file_may_hold_are_set_as_code(self):
        self.assertHTMLEqual(
            self.render("Jenjang pendidikan tidak dikenal; pilihan: paud, sd"),
            "Jenjang pendidikan tidak dikenal; pilihan: <code>paud</code>, <code>sd</code>",
        )

    def test_a_message_without_choices_is_only_escaped(self):
        self.assertEqual(self.render("Isi <hamil> dengan ya"), "Isi &lt;hamil&gt; dengan ya")

    def test_the_values_are_escaped_too(self):
        self.assertEqual(
            self.render("Bank tidak dikenal; pilihan: <b>"),
            "Bank tidak dikenal; pilihan: <code>&lt;b&gt;</code>",
        )
