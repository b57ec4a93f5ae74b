"""How often anyone may ask for a password reset or make an account.

Counts live in Django's cache for an hour from the first try. The default
cache is each process's own memory, so with several workers (or servers)
a limit holds per process: a ceiling, not an exact count.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from guide.lockout import client_address

WINDOW_SECONDS = 3600


def over_limit(kind: str, key: str, limit: int) -> bool:
    """Counts one more try of `kind` by `key`; True once there were more than `limit`.

    The key is hashed: an email address is never kept in the cache.
    """
    name = f"limit:{kind}:{hashlib.sha256(key.encode()).hexdigest()}"
    cache.add(name, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


def over_limit_from(request: HttpRequest, kind: str, limit: int) -> bool:
    """over_limit, counted for the address the request came from."""
    return over_limit(kind, client_address(request) or "", limit)
