"""Email printed to the console in development."""

import email.policy

from django.core.mail.backends import console

# Lines as long as email allows (RFC 5322), so a long line such as a password
# reset link is printed whole (8bit) instead of quoted-printable, which cuts
# it with "=" at 76 characters and breaks it when copied.
WHOLE_LINES = email.policy.default.clone(max_line_length=998)


class ConsoleEmailBackend(console.EmailBackend):
    def write_message(self, message) -> None:
        text = message.message(policy=WHOLE_LINES).as_bytes().decode()
        self.stream.write(f"{text}\n{'-' * 79}\n")
