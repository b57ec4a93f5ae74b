"""Static files as served in production: hashed names, compressed, and CSS minified."""

from django.core.files.base import ContentFile
from rcssmin import cssmin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class MinifiedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Minifies every stylesheet as it is collected, so static/css keeps its
    comments and layout while a cold load carries none of them.

    Django's hashing reads each file from where the finders found it, not
    from the copy collectstatic has just made. So the minified text is saved
    over that copy and the hashing pointed at it: the hash, the url()s
    rewritten to hashed names and whitenoise's .br and .gz copies all come
    from the minified text.
    """

    def post_process(self, paths, dry_run=False, **options):
        if not dry_run:
            paths = {
                name: self._minify(name, *source) if name.endswith(".css") else source
                for name, source in paths.items()
            }
        yield from super().post_process(paths, dry_run=dry_run, **options)

    def _minify(self, name, storage, path):
        with storage.open(path) as original:
            text = original.read().decode()
        if self.exists(name):
            self.delete(name)
        # Bang comments (/*! ... */) are where vendored stylesheets keep their licence.
        self._save(name, ContentFile(cssmin(text, keep_bang_comments=True).encode()))
        return self, name
