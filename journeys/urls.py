from django.urls import path

from journeys.views import checkins, reflections

app_name = "journeys"

urlpatterns: list = [
    # Before the stage's own address, which would otherwise take "check-ins" as a stage slug.
    path("journeys/<slug:journey_slug>/check-ins/", checkins.check_ins, name="check_ins"),
    path("reflections/", reflections.reflections, name="reflections"),
    path("reflections/<int:pk>/edit/", reflections.reflection_edit, name="reflection_edit"),
    path("reflections/<int:pk>/delete/", reflections.reflection_delete, name="reflection_delete"),
]
