"""The accessibility statement (ウェブアクセシビリティ方針・試験結果): docs/accessibility.md, and the same
text at /accessibility/, linked from every page's footer and readable without logging in."""

import html
import re
from pathlib import Path

import pytest

STATEMENT = Path(__file__).resolve().parent.parent / "docs" / "accessibility.md"


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.django_db
def test_the_statement_is_public_and_says_what_was_tested(client):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ウェブアクセシビリティ方針・試験結果" in page
    for words in (
        "JIS X 8341-3:2016",
        "適合レベル AA に配慮",
        "axe-core",
        "キーボードだけの操作",
        "お問い合わせ",
    ):
        assert words in page


@pytest.mark.django_db
def test_the_page_says_what_the_document_says(client):
    """Every heading and every sentence of docs/accessibility.md is on the page, so neither drifts."""
    document = STATEMENT.read_text(encoding="utf-8")
    page = re.sub(r"\s+", "", text_of(client.get("/accessibility/").content.decode()))
    headings = re.findall(r"^## (.+)$", document, flags=re.M)
    assert len(headings) >= 6
    plain = re.sub(r"[`*]", "", document.split("\n", 1)[1])  # the title is the page's own h1
    plain = re.sub(r"^#+ |^\s*- ", "", plain, flags=re.M)
    sentences = [s for s in re.split(r"(?<=。)", re.sub(r"\s+", "", plain)) if len(s) > 8]
    missing = [sentence for sentence in sentences if sentence not in page]
    assert missing == []


@pytest.mark.django_db
def test_every_page_links_the_statement_from_its_footer(client):
    page = client.get("/accounts/login/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert '<a href="/accessibility/">アクセシビリティ方針</a>' in footer
