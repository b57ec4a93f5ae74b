from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from journeys.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def give_every_account_a_profile(sender, instance, created: bool, raw: bool, **kwargs) -> None:
    # However the account is made (sign-up, createsuperuser, the shell), the
    # site can read its profile on every request without asking whether it exists.
    if created and not raw:
        Profile.objects.create(user=instance)
