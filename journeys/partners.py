"""Linking two accounts, and what the two may see of each other.

Invitation codes are single use, shown once, and stored only as a hash.
Wrong codes count towards django-axes' lockout, as wrong passwords do, once
against the account and once against the address they came from.
"""

import hashlib
import secrets
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from journeys.models import CheckIn, Invitation, InvitationState, Partnership

# No 0/O, 1/I/L: a code read aloud or copied by hand stays the same code.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_GROUP = 4
INVITATION_LIFETIME = timedelta(hours=24)
# Sign-in names never hold ":", so these never meet a person's sign-in record.
CODE_ATTEMPTS_OF_ACCOUNT = "partner-code:{pk}"
CODE_ATTEMPTS_FROM_ADDRESS = "partner-code:address"
READINESS_WINDOW = timedelta(days=7)
READINESS_GAP = 2


def normalised(code: str) -> str:
    """The code as generated: capitals, without the spaces and dashes of its groups."""
    return "".join(code.split()).replace("-", "").upper()


def grouped(code: str) -> str:
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def code_hash(code: str) -> str:
    return hashlib.sha256(normalised(code).encode()).hexdigest()


def invite(user) -> str:
    """A new invitation from this person, cancelling their open one; the code, grouped."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with transaction.atomic():
        cancel_invitation(user)
        Invitation.objects.create(
            user=user, code_hash=code_hash(code), expires=timezone.now() + INVITATION_LIFETIME
        )
    return grouped(code)


def cancel_invitation(user) -> None:
    Invitation.objects.for_user(user).filter(state=InvitationState.OPEN).update(
        state=InvitationState.CANCELLED
    )


def code_attempt_names(user) -> list[str]:
    """The names wrong codes are counted under: this account's, and every
    account's from one address (django-axes adds the address; see
    guide.lockout.lockout_parameters)."""
    return [CODE_ATTEMPTS_OF_ACCOUNT.format(pk=user.pk), CODE_ATTEMPTS_FROM_ADDRESS]


def locked_code_attempts(request: HttpRequest) -> dict | None:
    """The credentials of a count of wrong codes that has reached the limit, if any."""
    for name in code_attempt_names(request.user):
        if AxesProxyHandler.is_locked(request, {"username": name}):
            return {"username": name}
    return None


def invitation_for_code(request: HttpRequest, code: str) -> Invitation | None:
    """The open invitation the code opens; a wrong code counts as a failed attempt."""
    invitation = Invitation.objects.by_code_hash(code_hash(code))
    if invitation is None:
        for name in code_attempt_names(request.user):
            user_login_failed.send(__name__, credentials={"username": name}, request=request)
    return invitation


def partner_of(user):
    """This person's partner, or None."""
    link = Partnership.objects.for_user(user).select_related("partner").first()
    return link.partner if link else None


def link(invitation: Invitation, user) -> bool:
    """Links the invitation's author and this person, and uses the invitation;
    False when either is linked already (perhaps a moment ago)."""
    inviter = invitation.user
    try:
        with transaction.atomic():
            used = Invitation.objects.for_user(inviter).filter(
                pk=invitation.pk, state=InvitationState.OPEN
            )
            if not used.update(state=InvitationState.USED):
                return False
            now = timezone.now()
            Partnership.objects.create(user=inviter, partner=user, since=now)
            Partnership.objects.create(user=user, partner=inviter, since=now)
            cancel_invitation(user)
    except IntegrityError:
        return False
    return True


def readiness_differs(link: Partnership) -> bool:
    """Whether to show the two of them the sentence about being in different
    places: both chose to compare, both checked in within the week, and their
    latest answers are far apart. Nothing else about the partner is told."""
    if not link.compares_readiness:
        return False
    theirs = Partnership.objects.for_user(link.partner_id).filter(partner=link.user_id)
    if not theirs.filter(compares_readiness=True).exists():
        return False
    since = timezone.now() - READINESS_WINDOW
    latest = []
    for person in (link.user_id, link.partner_id):
        check_in = CheckIn.objects.for_user(person).filter(created__gte=since).first()
        if check_in is None:
            return False
        latest.append(check_in.readiness)
    return abs(latest[0] - latest[1]) >= READINESS_GAP
