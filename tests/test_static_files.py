"""Static files as production collects them: the stylesheet minified under a
hashed name, its compressed copies made from the same text, and its url()s
still pointing at hashed files."""

import gzip
import hashlib
import json
from pathlib import Path

import brotli
import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command

SOURCE = Path(django_settings.BASE_DIR) / "static" / "css" / "nearer.css"


@pytest.fixture
def collect(settings, tmp_path):
    """Runs collectstatic with the production storage into a scratch folder,
    from the given folders only, and returns the manifest's paths."""

    def run(*folders: Path) -> dict[str, str]:
        settings.STATIC_ROOT = tmp_path / "collected"
        settings.STATICFILES_DIRS = [str(folder) for folder in folders]
        settings.STATICFILES_FINDERS = [
            "django.contrib.staticfiles.finders.FileSystemFinder",
        ]
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "guide.storage.MinifiedManifestStaticFilesStorage"},
        }
        call_command("collectstatic", "--no-input", verbosity=0)
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        return json.loads(manifest.read_text())["paths"]

    return run


def test_the_stylesheet_is_served_minified_under_the_hash_of_its_minified_text(collect):
    paths = collect(SOURCE.parents[1])

    served = Path(staticfiles_storage.path(paths["css/nearer.css"]))
    text = served.read_text()
    assert staticfiles_storage.url("css/nearer.css").endswith(served.name)
    digest = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
    assert served.name.split(".")[1] == digest[:12]
    assert len(text) < 0.8 * len(SOURCE.read_text())
    assert "/*" not in text
    assert "\n" not in text.strip()
    for rule in [
        "@media (prefers-color-scheme:dark){:root{",
        "@media print{",
        "@media (prefers-reduced-motion:reduce){",
        "--target-pad:max(0px,calc((44px - 1lh) / 2))",
        ":focus-visible{",
    ]:
        assert rule in text


def test_the_compressed_copies_hold_the_minified_text(collect):
    paths = collect(SOURCE.parents[1])

    served = Path(staticfiles_storage.path(paths["css/nearer.css"]))
    text = served.read_bytes()
    assert gzip.decompress(Path(f"{served}.gz").read_bytes()) == text
    assert brotli.decompress(Path(f"{served}.br").read_bytes()) == text


def test_a_url_in_a_stylesheet_still_points_at_the_hashed_file(collect, tmp_path):
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "images").mkdir()
    (folder / "images" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (folder / "css" / "site.css").write_text(
        '/* A comment. */\n.dot {\n  background: url("../images/dot.svg") no-repeat;\n}\n'
    )

    paths = collect(folder)

    image = paths["images/dot.svg"].rsplit("/", 1)[-1]
    css = Path(staticfiles_storage.path(paths["css/site.css"])).read_text()
    assert css == f'.dot{{background:url("../images/{image}") no-repeat}}'


def test_the_autosave_script_is_served_minified_and_keeps_working_words(collect):
    paths = collect(SOURCE.parents[1])

    served = Path(staticfiles_storage.path(paths["js/autosave.js"])).read_text()
    source = (SOURCE.parents[1] / "js" / "autosave.js").read_text()
    assert len(served) < 0.7 * len(source)
    assert "/*" not in served and "// " not in served
    assert 'document.addEventListener("htmx:beforeSwap",function(event){' in served
