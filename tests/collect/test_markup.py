"""Block regions by markup: Markdown fences and indented blocks, reStructuredText, AsciiDoc."""

from __future__ import annotations

from checks.collect.markup import guess_language, regions

MD = """# Doc

```yaml
a: 1
```

Intro paragraph:

    limit: 100
    period: 1m

- a list item

    continues the item, not a block
"""
RST = """Title
=====

.. code-block:: yaml

   replicas: 3

Config follows::

    SecRule ARGS "@rx union" "id:1,deny"

Text.
"""
ADOC = """= Sheet

[source,nginx]
----
limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
----

....
plain: literal
....
"""


def test_markdown_fences_and_indented_blocks() -> None:
    found = regions("doc.md", MD)
    assert [(r.language, r.start, r.end) for r in found] == [("yaml", 4, 4), ("yaml", 9, 10)]
    assert found[1].numbered[0] == (9, "limit: 100")


def test_restructuredtext_directives_and_literal_blocks() -> None:
    found = regions("doc.rst", RST)
    assert [(r.language, r.start, r.end) for r in found] == [("yaml", 6, 6), ("modsecurity", 10, 10)]


def test_asciidoc_listings_with_and_without_a_source_language() -> None:
    found = regions("doc.adoc", ADOC)
    assert [(r.language, r.start, r.end) for r in found] == [("nginx", 5, 5), ("yaml", 9, 9)]


def test_prose_in_key_value_form_is_text_not_yaml() -> None:
    assert guess_language(((1, "Target: <2 hours deployment time"), (2, "Achieved: 120 minutes"))) == "text"
    assert guess_language(((1, "replicas: 3"), (2, "image: web:1.2"))) == "yaml"
