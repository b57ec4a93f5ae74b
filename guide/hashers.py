"""Password hashing at one of OWASP's recommended minimums for Argon2id.

Django's Argon2 default takes about 100 MiB and 8 lanes per hash: on two
cores a storm of 50 sign-ins then queues for seconds (tests/perf/logins.py).
OWASP lists five settings of equal strength, trading memory for passes; the
one with the least memory (7 MiB, 5 passes, 1 lane) is also the quickest
here, 26 ms a hash against 36 ms for 19 MiB and 2 passes, and leaves the
most memory free in a storm. Hashes made with other parameters still
verify, and are rehashed with these at the person's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class NearerArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 5
    memory_cost = 7 * 1024  # KiB
    parallelism = 1
