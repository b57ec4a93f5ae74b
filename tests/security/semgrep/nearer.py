"""Examples for the rules in nearer.yml: `semgrep --test tests/security/semgrep`."""

import logging

from journeys.models import (
    CareQuestion,
    CheckIn,
    Invitation,
    Profile,
    Reflection,
    Share,
    TogetherQuestion,
)

logger = logging.getLogger(__name__)


def queries(request, pk):
    # ok: user-data-query-not-filtered-by-user
    Reflection.objects.for_user(request.user).filter(pk=pk)
    # ok: user-data-query-not-filtered-by-user
    Profile.objects.get_or_create(user=request.user)
    # ok: user-data-query-not-filtered-by-user
    CheckIn.objects.create(user=request.user, readiness=3, note="")
    # ruleid: user-data-query-not-filtered-by-user
    Reflection.objects.filter(pk=pk)
    # ruleid: user-data-query-not-filtered-by-user
    Reflection.objects.get(pk=pk)
    # ruleid: user-data-query-not-filtered-by-user
    CheckIn.objects.all()
    # ok: user-data-query-not-filtered-by-user
    CareQuestion.objects.for_user(request.user).values_list("text", flat=True)
    # ruleid: user-data-query-not-filtered-by-user
    CareQuestion.objects.filter(pk=pk)
    # ruleid: user-data-manager-bypassed
    Reflection._base_manager.filter(pk=pk)
    # ok: user-data-query-not-filtered-by-user
    Share.objects.shared_with(request.user).filter(pk=pk)
    # ok: user-data-query-not-filtered-by-user
    Invitation.objects.by_code_hash("0" * 64)
    # ruleid: user-data-query-not-filtered-by-user
    Share.objects.filter(pk=pk)
    # ruleid: user-data-query-not-filtered-by-user
    TogetherQuestion.objects.get(pk=pk)
    # ruleid: user-data-manager-bypassed
    Share._default_manager.all()
    # ruleid: user-data-manager-bypassed
    CareQuestion._default_manager.all()


def logs(request, reflection, form):
    # ok: note-text-in-log
    logger.info("Saved reflection %s", reflection.pk)
    # ruleid: note-text-in-log
    logger.info("Saved %s", reflection.text)
    note = request.POST["note"]
    # ruleid: note-text-in-log
    logger.warning("Check-in note: %s", note)
    words = form.cleaned_data["text"]
    # ruleid: note-text-in-log
    logging.error(f"could not save {words}")
    # ruleid: note-text-in-log
    print(reflection.text)
