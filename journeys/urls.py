from django.urls import include, path

from journeys.views import autosave, checkins, partner, reflections, stages

app_name = "journeys"

check_in_urls = [
    path("", checkins.check_ins, name="check_ins"),
    path("<int:pk>/change/", checkins.check_in_change, name="check_in_change"),
    path("<int:pk>/delete/", checkins.check_in_delete, name="check_in_delete"),
]

stage_urls = [
    path("", stages.stage, name="stage"),
    path("save/", autosave.save_stage, name="save_stage"),
    path("save/retry/", autosave.save_retry, name="save_retry"),
    path("signed-in-again/", autosave.signed_in_again, name="signed_in_again"),
    path("prompts/<int:prompt_id>/save/", autosave.save_reflection, name="save_reflection"),
]

urlpatterns: list = [
    path("reflections/", reflections.reflections, name="reflections"),
    path("reflections/<int:pk>/edit/", reflections.reflection_edit, name="reflection_edit"),
    path("reflections/<int:pk>/delete/", reflections.reflection_delete, name="reflection_delete"),
    path("partner/", partner.partner, name="partner"),
    path("partner/invite/", partner.invite, name="partner_invite"),
    path("partner/invitation/cancel/", partner.cancel_invitation, name="partner_cancel"),
    path("partner/join/", partner.enter_code, name="partner_enter_code"),
    path("partner/join/<str:code>/", partner.join, name="partner_join"),
    path("partner/unlink/", partner.unlink, name="partner_unlink"),
    path("partner/shared/", partner.shared, name="partner_shared"),
    path("partner/shared/<int:pk>/", partner.shared_one, name="partner_shared_one"),
    path("partner/reflections/<int:pk>/sharing/", partner.sharing, name="partner_sharing"),
    path("partner/together/<int:prompt_id>/ask/", partner.ask_together, name="partner_ask"),
    path("partner/together/<int:pk>/", partner.together, name="partner_together"),
    path("partner/readiness/", partner.compare_readiness, name="partner_readiness"),
    path("journeys/<slug:journey_slug>/", stages.journey, name="journey"),
    # Before the stages: a stage's address would otherwise take "check-ins" as its slug.
    path("journeys/<slug:journey_slug>/check-ins/", include(check_in_urls)),
    path("journeys/<slug:journey_slug>/<slug:stage_slug>/", include(stage_urls)),
]
