from django.forms.renderers import TemplatesSetting


class NearerFormRenderer(TemplatesSetting):
    """Renders every field as a GOV.UK-style group: label, hint, error, input."""

    field_template_name = "forms/field.html"
