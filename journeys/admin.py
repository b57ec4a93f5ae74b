"""Content editing for staff: journeys, their stages and the stages' prompts.

Only content is registered here. Reflections, check-ins, progress and profiles
hold what people wrote about their health and their relationship; editors
never see them, so none of those models has an admin.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, Prompt, Stage


def stage_page_url(stage: Stage) -> str:
    # The stage page shows drafts to staff, under a "Draft preview" banner.
    return reverse("journeys:stage", args=[stage.journey.slug, stage.slug])


@admin.display(description=_("preview"))
def preview_link(stage: Stage) -> str:
    if stage.pk is None:
        return "-"
    return format_html(
        '<a href="{}" class="nearer-preview">{}</a>', stage_page_url(stage), _("Preview")
    )


class StageInline(admin.TabularInline):
    """The journey's stages in order, to read; each is edited on its own page."""

    model = Stage
    # Each row is headed by the stage's title with a link to change it.
    fields = ["position", "published", preview_link]
    readonly_fields = fields
    ordering = ["position"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "published", "stage_count"]
    list_filter = ["published"]
    search_fields = ["title", "slug", "summary", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "intro", "published"]
    inlines = [StageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Journey]:
        return super().get_queryset(request).annotate(stage_count=Count("stages"))

    @admin.display(description=_("stages"), ordering="stage_count")
    def stage_count(self, journey: Journey) -> int:
        return journey.stage_count


class PromptForm(forms.ModelForm):
    class Meta:
        model = Prompt
        fields = ["position", "text", "help_text", "audience"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 50})}

    def validate_constraints(self) -> None:
        # Checked against the database one by one, two prompts swapping places
        # would each find the other in its new place. The formset checks that
        # positions are unique among the stage's prompts instead, and
        # StageAdmin.save_formset moves them without a clash.
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class PromptInline(admin.TabularInline):
    model = Prompt
    form = PromptForm
    ordering = ["position"]
    extra = 0


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["title", "journey", "position", "published", preview_link]
    list_display_links = ["title"]
    list_editable = ["published"]
    list_filter = ["journey", "published"]
    list_select_related = ["journey"]
    search_fields = ["title", "slug", "summary", "body", "prompts__text"]
    ordering = ["journey", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["journey", "position", "title", "slug", "summary", "body", "published", preview_link]
    readonly_fields = [preview_link]
    inlines = [PromptInline]

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not Prompt:
            return super().save_formset(request, form, formset, change)
        prompts = formset.save(commit=False)
        for prompt in formset.deleted_objects:
            prompt.delete()
        # Park the prompts that move above every position in use, then put
        # each in its place, so no two ever share a position on the way.
        moving = [p for p in prompts if p.pk is not None]
        if moving:
            in_use = form.instance.prompts.aggregate(top=Max("position"))["top"] or 0
            free = max([in_use, *(p.position for p in prompts)]) + 1
            for offset, prompt in enumerate(moving):
                Prompt.objects.filter(pk=prompt.pk).update(position=free + offset)
        for prompt in prompts:
            prompt.save()
        formset.save_m2m()
        return None
