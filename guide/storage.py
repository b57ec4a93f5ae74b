"""Static files as served in production: hashed names, compressed, and minified."""

from pathlib import PurePath

from django.core.files.base import ContentFile
from rcssmin import cssmin
from rjsmin import jsmin
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIERS = {".css": cssmin, ".js": jsmin}
# Nearer's own folders under static/; apps' files come as their authors ship them.
OWN_FOLDERS = ("css/", "js/")


class MinifiedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Minifies every stylesheet and script as it is collected, so static/
    keeps their comments and layout while a cold load carries none of them.

    Django's hashing reads each file from where the finders found it, not
    from the copy collectstatic has just made. So the minified text is saved
    over that copy and the hashing pointed at it: the hash, the url()s
    rewritten to hashed names and whitenoise's .br and .gz copies all come
    from the minified text.
    """

    def post_process(self, paths, dry_run=False, **options):
        if not dry_run:
            paths = {
                name: self._minify(name, *source) if self._is_own_source(name) else source
                for name, source in paths.items()
            }
        yield from super().post_process(paths, dry_run=dry_run, **options)

    @staticmethod
    def _is_own_source(name: str) -> bool:
        return name.startswith(OWN_FOLDERS) and PurePath(name).suffix in MINIFIERS

    def _minify(self, name, storage, path):
        with storage.open(path) as original:
            text = original.read().decode()
        if self.exists(name):
            self.delete(name)
        minify = MINIFIERS[PurePath(name).suffix]
        # Bang comments (/*! ... */) are where vendored code keeps its licence.
        self._save(name, ContentFile(minify(text, keep_bang_comments=True).encode()))
        return self, name
