"""Statements render without scripts and without anything loaded from outside the site."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise
from exercises.rendering import is_site_address, remote_images, render_markdown

STATEMENT = """# Plot it

![the expected plot](plot.png) ![logo](/static/logo.svg)
![a cat](http://cdn.example.com/cat.png "Cat") ![tracker](https://tracker.example/p.gif)
<img src="//cdn.example.com/raw.png"> <img src="http://127.0.0.1:8000/served.png" alt="ours">

```python
print("<img src=http://cdn.example.com/in-code.png>")
```
"""


def image_sources(html: str) -> list[str]:
    return re.findall(r"<img[^>]*\bsrc=\"([^\"]*)\"", html)


def test_only_images_the_site_serves_are_kept() -> None:
    html = render_markdown(STATEMENT)
    assert image_sources(html) == [
        "plot.png",
        "/static/logo.svg",
        "http://127.0.0.1:8000/served.png",
    ]
    # The others are links with their description, which load nothing until followed.
    assert '<a href="http://cdn.example.com/cat.png" rel="noopener noreferrer">a cat</a>' in html
    assert ">tracker</a>" in html and ">//cdn.example.com/raw.png</a>" in html
    # Code is text, not an image.
    assert "&lt;img src=http://cdn.example.com/in-code.png&gt;" in html


def test_remote_images_are_listed_for_the_importer() -> None:
    assert remote_images(STATEMENT) == [
        "http://cdn.example.com/cat.png",
        "https://tracker.example/p.gif",
        "//cdn.example.com/raw.png",
    ]
    assert remote_images("![x](img/x.png)") == []


@pytest.mark.parametrize(
    ("address", "served"),
    [
        ("img/a.png", True),
        ("/media/a.png", True),
        ("http://localhost/a.png", True),
        ("https://127.0.0.1:8443/a.png", True),
        ("http://example.com/a.png", False),
        ("//example.com/a.png", False),
        ("http://user@example.com/a.png", False),
        ("ftp://localhost/a.png", False),
    ],
)
def test_which_addresses_the_site_serves(address: str, served: bool) -> None:
    assert is_site_address(address) is served


def test_a_wildcard_allowed_host_does_not_let_every_image_in(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    assert not is_site_address("http://example.com/a.png")


@pytest.mark.django_db
def test_the_exercise_page_shows_a_link_instead_of_a_remote_image(
    client: Client, student: User, add_two: Exercise
) -> None:
    add_two.statement_md = "See ![the cat](http://cdn.example.com/cat.png)."
    add_two.save()
    client.force_login(student)
    page = client.get(f"/exercises/{add_two.slug}/").content.decode()
    assert "cdn.example.com/cat.png" in page
    assert not [source for source in image_sources(page) if "cdn.example.com" in source]
