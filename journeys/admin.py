"""Content editing for staff: journeys, their stages and the stages' prompts.

Only content is registered here. Reflections, check-ins, progress and profiles
hold what people wrote about their health and their relationship; editors
never see them, so none of those models has an admin.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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


class ContentAdmin(admin.ModelAdmin):
    """Content someone wrote to, checked in on or marked is never deleted, by
    anyone: the admin offers no Delete for it, and the models PROTECT it."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.holds_peoples_data():
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request: HttpRequest):
        # Django's own answer would list the reflections, check-ins and marks
        # in the way, by id; this one names only the content.
        held = [obj for obj in objs if obj.holds_peoples_data()]
        if held:
            reason = _("%(name)s: people have written to it, checked in on it or marked it")
            return [], {}, set(), [reason % {"name": obj} for obj in held]
        return super().get_deleted_objects(objs, request)


@admin.action(description=_("Retire: hide from new writing"), permissions=["change"])
def retire(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    count = queryset.update(retired=True)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d retired. What people wrote to it stays with them.",
            "%(count)d retired. What people wrote to them stays with them.",
            count,
        )
        % {"count": count},
    )


@admin.action(description=_("Bring back: open to new writing again"), permissions=["change"])
def bring_back(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    count = queryset.update(retired=False)
    modeladmin.message_user(
        request,
        ngettext("%(count)d brought back.", "%(count)d brought back.", count) % {"count": count},
    )


class StageInline(admin.TabularInline):
    """The journey's stages in order, to read; each is edited on its own page."""

    model = Stage
    # Each row is headed by the stage's title with a link to change it.
    fields = ["position", "published", "retired", preview_link]
    readonly_fields = fields
    ordering = ["position"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Journey)
class JourneyAdmin(ContentAdmin):
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


class PromptFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        # The database lets prompts share a position, so that two can swap
        # places one save after the other; within one save it is a slip.
        super().clean()
        positions = [
            form.cleaned_data["position"]
            for form in self.forms
            if "position" in form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(positions) != len(set(positions)):
            raise ValidationError(self.get_unique_error_message(["position"]))

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        prompt = form.instance
        if "DELETE" in form.fields and prompt.pk and prompt.holds_peoples_data():
            # A disabled box keeps its initial value whatever is posted.
            form.fields["DELETE"].disabled = True


class PromptInline(admin.TabularInline):
    model = Prompt
    form = PromptForm
    formset = PromptFormSet
    # Retiring is an action of the prompts' own list.
    readonly_fields = ["retired"]
    ordering = ["position"]
    extra = 0


@admin.register(Stage)
class StageAdmin(ContentAdmin):
    list_display = ["title", "journey", "position", "published", "retired", preview_link]
    list_display_links = ["title"]
    list_editable = ["published"]
    list_filter = ["journey", "published", "retired"]
    actions = [retire, bring_back]
    list_select_related = ["journey"]
    search_fields = ["title", "slug", "summary", "body", "prompts__text"]
    ordering = ["journey", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "journey",
        "position",
        "title",
        "slug",
        "summary",
        "body",
        "published",
        "retired",
        preview_link,
    ]
    # Retiring is an action of the stages' list.
    readonly_fields = ["retired", preview_link]
    inlines = [PromptInline]


@admin.register(Prompt)
class PromptAdmin(ContentAdmin):
    """Every prompt, to find one and retire or bring it back; each is edited
    with its stage."""

    list_display = ["text", "stage", "position", "audience", "retired"]
    list_filter = ["stage__journey", "retired", "audience"]
    list_select_related = ["stage__journey"]
    search_fields = ["text", "help_text", "stage__title"]
    ordering = ["stage__journey", "stage__position", "position", "pk"]
    fields = ["stage", "position", "text", "help_text", "audience", "retired"]
    readonly_fields = fields
    actions = [retire, bring_back]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
