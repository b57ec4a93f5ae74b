"""`{% filter jsmin %}…{% endfilter %}`: a script written into the page, minified.

The stage page carries autosave's script inline (one request fewer); its
source stays indented and commented, the page gets it without either.
"""

from django import template
from rjsmin import jsmin as minify

register = template.Library()


@register.filter(is_safe=True)
def jsmin(script: str) -> str:
    return minify(script)
