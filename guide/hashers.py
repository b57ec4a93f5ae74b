"""Password hashing at OWASP's recommended minimum for Argon2id.

Django's Argon2 default takes about 100 MiB and 8 lanes per hash: on two
cores a storm of 50 sign-ins then queues for seconds (tests/perf/logins.py).
OWASP's minimum (19 MiB, 2 passes, 1 lane) hashes in about a sixth of the
time. Hashes made with other parameters still verify, and are rehashed with
these at the person's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class NearerArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
