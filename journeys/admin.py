"""Content editing for staff: journeys, their stages and the stages' prompts.

Only content is registered here. Reflections, check-ins, progress and profiles
hold what people wrote about their health and their relationship; editors
never see them, so none of those models has an admin.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from journeys import drafts
from journeys.models import Journey, Prompt, Role, Stage, StageDraft, StageVersion
from journeys.views.stages import preview


def preview_url(stage: Stage) -> str:
    """The stage as a person will see it: its draft if it has one."""
    return reverse("admin:journeys_stage_preview", args=[stage.pk])


@admin.display(description=_("preview"))
def preview_link(stage: Stage) -> str:
    if stage.pk is None:
        return "-"
    return format_html(
        '<a href="{}" class="nearer-preview">{}</a>', preview_url(stage), _("Preview")
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
    # The same in English either way, but other languages say it by number.
    message = ngettext("%(count)d brought back.", "%(count)d brought back.", count)
    modeladmin.message_user(request, message % {"count": count})


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
        fields = ["position", "audience", "text", "help_text"]
        widgets = {
            "position": forms.NumberInput(attrs={"class": "nearer-position"}),
            "text": forms.Textarea(attrs={"rows": 3, "class": "nearer-wide"}),
            "help_text": forms.Textarea(attrs={"rows": 3, "class": "nearer-wide"}),
        }


class PromptFormSet(forms.BaseInlineFormSet):
    """The stage's prompts; for a stage with a draft, as the draft has them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.draft = getattr(self.instance, "draft_content", None)
        if self.draft and not self.is_bound:
            # Prompts the draft adds are not in the database yet: extra forms.
            self.initial_extra = [p for p in self.draft["prompts"] if p["id"] is None]
            self.extra = len(self.initial_extra)

    def get_queryset(self):
        prompts = super().get_queryset()
        if self.draft is None:
            return prompts
        if not hasattr(self, "_drafted"):
            by_id = {prompt.pk: prompt for prompt in prompts}
            self._drafted = []
            for values in self.draft["prompts"]:
                prompt = by_id.get(values["id"])
                if prompt is not None:
                    for name in drafts.PROMPT_FIELDS:
                        setattr(prompt, name, values[name])
                    self._drafted.append(prompt)
            self._drafted.sort(key=lambda prompt: (prompt.position, prompt.pk))
        return self._drafted

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
            form.fields["DELETE"].label = _("Delete (not possible: people have answered it)")


class PromptInline(admin.StackedInline):
    """Each prompt as a block of its own, so a long question or help text is
    read whole, on a phone too; Up and Down move it without JavaScript."""

    model = Prompt
    form = PromptForm
    formset = PromptFormSet
    fields = ["reorder", ("position", "audience"), "text", "help_text", "retired"]
    # Retiring is an action of the prompts' own list.
    readonly_fields = ["reorder", "retired"]
    ordering = ["position", "pk"]
    extra = 0

    @admin.display(description=_("move"))
    def reorder(self, prompt: Prompt) -> str:
        if prompt.pk is None:
            return _("Set its position; Up and Down come once it is saved.")
        return format_html(
            '<button type="submit" name="_move" value="up:{pk}" class="button nearer-move">'
            '{up}<span class="visually-hidden"> {which}</span></button> '
            '<button type="submit" name="_move" value="down:{pk}" class="button nearer-move">'
            '{down}<span class="visually-hidden"> {which}</span></button>',
            pk=prompt.pk,
            up=_("↑ Up"),
            down=_("↓ Down"),
            which=_("question %(position)s") % {"position": prompt.position},
        )


class StageForm(forms.ModelForm):
    # The stage's edit token when the page was opened (journeys.drafts.edit_token).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Stage
        fields = ["journey", "position", "published", "title", "slug", "summary", "body"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen_when_opened = self.data.get("seen", "")
        self.conflict = False
        if self.instance.pk is None:
            return
        now = drafts.edit_token(self.instance)
        self.initial["seen"] = now
        if self.is_bound and self.seen_when_opened != now:
            # Told once: saving again keeps this editor's changes over the other's.
            self.conflict = True
            self.data = self.data.copy()
            self.data["seen"] = now

    def clean(self) -> dict:
        if self.conflict:
            raise ValidationError(
                _(
                    "Another editor saved or published this stage while you were editing it, "
                    "so nothing of yours is saved yet. Your changes are still in the form; what "
                    "they changed is shown under “Changed by another editor”. Save again to "
                    "keep your version."
                ),
                code="conflict",
            )
        return super().clean()

    def based_on(self) -> int:
        """The published version this editor's changes began from."""
        return int(self.seen_when_opened.partition(".")[0] or 0)


def moved(data: QueryDict, move: str) -> QueryDict:
    """The posted stage with one prompt a place up or down ("up:<prompt id>"),
    every prompt numbered 1, 2, 3… in its new order."""
    direction, _colon, prompt_id = move.partition(":")
    rows = range(int(data.get("prompts-TOTAL_FORMS", 0) or 0))

    def place(row: int) -> tuple[int, int]:
        position = data.get(f"prompts-{row}-position", "")
        return (int(position) if position.isdigit() else 10_000, row)

    order = sorted(rows, key=place)
    ids = [data.get(f"prompts-{row}-id") for row in order]
    if prompt_id in ids:
        here = ids.index(prompt_id)
        there = here - 1 if direction == "up" else here + 1
        if 0 <= there < len(order):
            order[here], order[there] = order[there], order[here]
    data = data.copy()
    for position, row in enumerate(order, start=1):
        data[f"prompts-{row}-position"] = str(position)
    data["_continue"] = "1"
    return data


@admin.register(Stage)
class StageAdmin(ContentAdmin):
    """Stages with their prompts. Once a stage is published, its text and
    prompts are edited as a draft that people do not see until an editor
    presses Publish (journeys.drafts); its place, journey and published flag
    still change at once."""

    form = StageForm
    change_form_template = "admin/journeys/stage/change_form.html"
    object_history_template = "admin/journeys/stage/versions.html"
    list_display = ["title", "journey", "position", "published", "retired", preview_link]
    list_display_links = ["title"]
    list_editable = ["published"]
    list_filter = ["journey", "published", "retired"]
    actions = [retire, bring_back]
    list_select_related = ["journey"]
    search_fields = ["title", "slug", "summary", "body", "prompts__text"]
    ordering = ["journey", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["journey", "position", "published", "retired", "title", "slug", "summary", "body"]
    # Retiring is an action of the stages' list.
    readonly_fields = ["retired"]
    inlines = [PromptInline]
    # The Save button first in the form, so Enter in a box saves rather than
    # pressing a prompt's Up or Down.
    save_on_top = True

    def get_urls(self):
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="journeys_stage_preview",
            ),
            path(
                "<int:pk>/discard/",
                self.admin_site.admin_view(self.discard_view),
                name="journeys_stage_discard",
            ),
            path(
                "<int:pk>/versions/<int:number>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="journeys_stage_restore",
            ),
        ]
        return own + super().get_urls()

    def get_object(self, request: HttpRequest, object_id: str, from_field=None) -> Stage | None:
        stage = super().get_object(request, object_id, from_field)
        draft = StageDraft.objects.filter(stage=stage).first() if stage else None
        if draft:
            stage.draft_content = drafts.with_retirement_now(stage, draft.content)
            for name in drafts.STAGE_FIELDS:
                setattr(stage, name, draft.content[name])
        return stage

    def _is_live(self, stage: Stage) -> bool:
        return Stage.objects.filter(pk=stage.pk, published=True).exists()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_move" in request.POST:
            request.POST = moved(request.POST, request.POST["_move"])
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            form = context["adminform"].form
            context |= self._draft_context(obj, form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _draft_context(self, stage: Stage, form: StageForm) -> dict:
        # The form has written the posted values into `stage`; compare what is stored.
        stored = Stage.objects.get(pk=stage.pk)
        live = drafts.content_of(stored)
        draft = getattr(stage, "draft_content", None)
        ctx = {
            "live": self._is_live(stage),
            "draft": draft,
            "draft_changes": drafts.difference(live, draft) if draft else [],
            "preview_roles": PREVIEW_ROLES,
        }
        if form.conflict:
            version = StageVersion.objects.filter(stage=stage, number=form.based_on()).first()
            began = version.content if version else live
            ctx["their_changes"] = drafts.difference(began, drafts.draft_or_live(stored))
        return ctx

    def save_model(self, request: HttpRequest, obj: Stage, form, change: bool) -> None:
        form.drafting = change and self._is_live(obj)
        if form.drafting:
            Stage.objects.filter(pk=obj.pk).update(
                journey=obj.journey, position=obj.position, published=obj.published
            )
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        if not form.drafting:
            super().save_related(request, form, formsets, change)
            return
        content = {name: form.cleaned_data[name] for name in drafts.STAGE_FIELDS}
        content["prompts"] = [
            drafts.prompt_content(prompt_form.instance)
            for prompt_form in formsets[0].forms
            if prompt_form.cleaned_data and not prompt_form.cleaned_data.get("DELETE")
        ]
        request.stage_outcome = "draft"
        if "_publish" in request.POST:
            try:
                drafts.publish(form.instance, content, request.user, form.based_on())
                request.stage_outcome = "published"
                return
            except drafts.PublishConflict:
                request.stage_outcome = "conflict"
        drafts.save_draft(form.instance, content, request.user)

    def construct_change_message(self, request, form, formsets, add=False):
        outcome = getattr(request, "stage_outcome", None)
        if outcome is None:
            return super().construct_change_message(request, form, formsets, add)
        return OUTCOMES[outcome]

    def response_change(self, request: HttpRequest, obj: Stage) -> HttpResponse:
        outcome = getattr(request, "stage_outcome", None)
        if outcome is None:
            return super().response_change(request, obj)
        level = messages.WARNING if outcome == "conflict" else messages.SUCCESS
        self.message_user(request, OUTCOMES[outcome], level)
        return HttpResponseRedirect(request.path)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        stage = self._stage_or_404(request, pk, self.has_view_or_change_permission)
        role = request.GET.get("role", "")
        if role not in dict(PREVIEW_ROLES):
            role = ""
        return preview(request, stage, drafts.draft_or_live(stage), role)

    @method_decorator(require_POST)
    def discard_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        stage = self._stage_or_404(request, pk, self.has_change_permission)
        drafts.discard_draft(stage)
        self.message_user(request, _("Draft discarded. The stage is as people see it."))
        return redirect("admin:journeys_stage_change", stage.pk)

    @method_decorator(require_POST)
    def restore_view(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        stage = self._stage_or_404(request, pk, self.has_change_permission)
        version = get_object_or_404(StageVersion, stage=stage, number=number)
        drafts.restore(version, request.user)
        self.message_user(
            request,
            _("Version %(number)s is now the draft. Preview it, then publish it.")
            % {"number": number},
        )
        return redirect("admin:journeys_stage_change", stage.pk)

    def _stage_or_404(self, request: HttpRequest, pk: int, allowed) -> Stage:
        stage = get_object_or_404(Stage.objects.select_related("journey"), pk=pk)
        if not allowed(request, stage):
            raise PermissionDenied
        return stage

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        # The admin's own address for a history takes any text as the id.
        if not object_id.isdigit():
            raise Http404
        stage = self._stage_or_404(request, int(object_id), self.has_view_or_change_permission)
        versions = list(StageVersion.objects.filter(stage=stage).select_related("published_by"))
        for version, older in zip(versions, [*versions[1:], None], strict=True):
            version.changes = drafts.difference(older.content if older else None, version.content)
        ctx = {
            **self.admin_site.each_context(request),
            "title": _("Published versions of %(stage)s") % {"stage": stage},
            "opts": self.opts,
            "object": stage,
            "versions": versions,
            "can_restore": self.has_change_permission(request, stage),
        }
        return TemplateResponse(request, self.object_history_template, ctx)


PREVIEW_ROLES = [
    ("", _("everyone")),
    (Role.RECOVERING, _("the person recovering")),
    (Role.PARTNER, _("the partner")),
]
OUTCOMES = {
    "draft": _("Draft saved. People still see the published version until you press Publish."),
    "published": _("Published. People now see this version."),
    "conflict": _(
        "Not published: another editor published this stage a moment ago. Your changes are "
        "saved as the draft; compare them below, then publish again."
    ),
}


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
