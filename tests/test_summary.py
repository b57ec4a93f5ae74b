"""The summary for a care team: composing it, the page to print, and the tagged PDF."""

import io
import re
from datetime import timedelta

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from journeys.models import (
    CareQuestion,
    CheckIn,
    Prompt,
    Readiness,
    Reflection,
    Stage,
)

URL = "/account/summary/"


@pytest.fixture
def written(alice, bob, journey) -> dict:
    """Alice's reflections in two stages, and one of Bob's."""
    prompts = Prompt.objects.filter(stage__journey=journey, audience="everyone")
    accepting, listening = prompts.order_by("stage__position")[:2]

    def reflect(user, prompt, text):
        return Reflection.objects.create(
            user=user, prompt=prompt, prompt_text=prompt.text, text=text
        )

    return {
        "first": reflect(alice, accepting, "Alice on accepting, the first time"),
        "second": reflect(alice, accepting, "Alice on accepting, later"),
        "listening": reflect(alice, listening, "Alice on listening"),
        "bobs": reflect(bob, accepting, "Bob's own words on accepting"),
    }


def compose(client, action="pdf", **data):
    return client.post(URL, {"period": "none", "paper": "A4", "action": action, **data})


def questions(*texts: str) -> dict:
    """The question boxes as the page posts them, one text each."""
    return {
        "questions-TOTAL_FORMS": len(texts),
        "questions-INITIAL_FORMS": 0,
        **{f"questions-{index}-text": text for index, text in enumerate(texts)},
    }


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def structure_types(pdf: pikepdf.Pdf) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot)
    return found


def test_the_page_offers_only_my_reflections_grouped_by_stage_and_none_chosen(
    alice_client, written
):
    content = alice_client.get(URL).content.decode()

    assert "Alice on accepting, the first time" in content
    assert "Alice on listening" in content
    assert "Bob" not in content
    assert content.index("Accepting") < content.index("Listening")
    assert "Choose all 2 reflections in this stage" in content
    assert not re.search(r'name="(reflections|whole_stages)"[^>]* checked', content)


def test_the_account_page_links_to_the_summary(alice_client):
    assert reverse("account_summary").encode() in alice_client.get(reverse("account")).content


def test_nothing_of_the_summary_is_kept_by_a_browser_or_a_cache(alice_client, written):
    chosen = {"reflections": [written["first"].pk]}
    for response in (
        alice_client.get(URL),
        compose(alice_client, "show", **chosen),
        compose(alice_client, "pdf", **chosen),
    ):
        assert "no-store" in response["Cache-Control"]


def test_the_pdf_holds_exactly_the_reflections_and_questions_i_chose(alice_client, written):
    response = compose(
        alice_client,
        reflections=[written["first"].pk, written["listening"].pk],
        **questions("Is it safe to start driving again?", "Why am I so tired after lunch?"),
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="summary-{today:%Y-%m-%d}.pdf"'
    text = pdf_text(response)
    assert "Alice on accepting, the first time" in text
    assert "Alice on listening" in text
    assert "Is it safe to start driving again?" in text
    assert "Why am I so tired after lunch?" in text
    assert "later" not in text
    assert "Bob" not in text
    assert written["first"].prompt_text in text


def test_the_pdf_is_tagged_with_headings_a_table_a_described_chart_and_its_language(
    alice_client, alice, written, journey
):
    CheckIn.objects.create(user=alice, journey=journey, readiness=Readiness.PARTLY)
    response = compose(alice_client, reflections=[written["first"].pk], period="all")

    pdf = pikepdf.open(io.BytesIO(response.content))
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang).startswith("en")
    assert str(pdf.docinfo.Title).startswith("For my care team")
    types = structure_types(pdf)
    assert {"/H1", "/H2", "/H3", "/H4", "/Table", "/TH", "/TD", "/Figure"} <= set(types)
    assert types.index("/H1") < types.index("/H2")


def test_the_pdf_has_page_numbers_and_the_date_and_no_product_name_unless_asked(
    alice_client, written
):
    text = pdf_text(compose(alice_client, reflections=[written["first"].pk]))

    assert "Page 1 of 1" in text
    assert f"{timezone.localdate():%-d %B %Y}" in text
    assert "Nearer" not in text
    assert "alice" not in text


def test_my_name_goes_on_it_only_when_i_tick_it(alice_client, written):
    text = pdf_text(
        compose(
            alice_client,
            reflections=[written["first"].pk],
            show_name="on",
            for_whom="Dr Okafor, my GP",
        )
    )

    assert "From: alice" in text
    assert "For: Dr Okafor, my GP" in text


def test_the_paper_is_the_size_i_chose(alice_client, written):
    sizes = {}
    for paper in ("A4", "letter"):
        response = compose(alice_client, reflections=[written["first"].pk], paper=paper)
        page = PdfReader(io.BytesIO(response.content)).pages[0]
        sizes[paper] = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))

    assert sizes == {"A4": (595, 842), "letter": (612, 792)}


def test_choosing_a_whole_stage_brings_every_reflection_in_it(alice_client, written):
    accepting = written["first"].prompt.stage

    text = pdf_text(compose(alice_client, whole_stages=[accepting.pk]))

    assert "Alice on accepting, the first time" in text
    assert "Alice on accepting, later" in text
    assert "Alice on listening" not in text
    assert "Bob" not in text


def test_reflections_on_one_question_sit_under_it_once(alice_client, written):
    accepting = written["first"].prompt.stage

    content = compose(alice_client, "show", whole_stages=[accepting.pk]).content.decode()

    assert content.count(written["first"].prompt_text) == 1


def test_check_ins_come_from_the_period_i_chose_as_a_chart_and_a_table(
    alice_client, alice, bob, journey
):
    now = timezone.now()
    for days, readiness in ((3, Readiness.MOSTLY), (20, Readiness.PARTLY), (200, Readiness.VERY)):
        CheckIn.objects.create(
            user=alice, journey=journey, readiness=readiness, created=now - timedelta(days=days)
        )
    CheckIn.objects.create(user=bob, journey=journey, readiness=Readiness.NOT_AT_ALL)

    content = compose(alice_client, "show", period="4w").content.decode()

    assert '<figure class="summary-doc__chart">' in content
    assert "2 check-ins, the most recent “Mostly ready”" in content
    assert "Mostly ready (4 of 5)" in content
    assert "Partly ready (3 of 5)" in content
    assert "Very ready (5 of 5)" not in content
    assert "Not at all ready (1 of 5)" not in content


def test_without_a_period_no_check_ins_are_shown(alice_client, alice, journey, written):
    CheckIn.objects.create(user=alice, journey=journey, readiness=Readiness.MOSTLY)

    content = compose(alice_client, "show", reflections=[written["first"].pk]).content.decode()

    assert "summary-doc__chart" not in content
    assert "Mostly ready (4 of 5)" not in content


def test_the_page_to_print_and_the_pdf_come_from_one_template(alice_client, written):
    page = compose(alice_client, "show", reflections=[written["first"].pk]).content.decode()

    assert '<article class="summary-doc"' in page
    assert "For my care team" in page
    assert "data-print hidden" in page
    # The page carries the choices, so the PDF and "Change" need nothing typed again.
    assert f'type="hidden" name="reflections" value="{written["first"].pk}"' in page


def test_nothing_chosen_says_so_beside_the_choices_and_keeps_what_i_typed(alice_client, written):
    response = compose(alice_client, for_whom="My therapist")

    content = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Choose at least one reflection" in content
    assert 'id="id_reflections_error"' in content
    assert 'value="My therapist"' in content


def test_someone_elses_reflection_answers_404_for_the_page_and_the_pdf(alice_client, written):
    mine_and_bobs = [written["first"].pk, written["bobs"].pk]
    for action in ("show", "pdf"):
        response = compose(alice_client, action, reflections=mine_and_bobs)

        assert response.status_code == 404
        assert b"Bob" not in response.content


def test_my_questions_go_when_my_account_goes(alice, bob):
    from guide.account import delete_account

    CareQuestion.objects.create(user=alice, text="Mine?")
    CareQuestion.objects.create(user=bob, text="Bob's?")

    delete_account(alice)

    assert list(CareQuestion.objects.values_list("text", flat=True)) == ["Bob's?"]


def test_change_brings_back_the_form_as_i_left_it(alice_client, written):
    response = compose(
        alice_client, "change", reflections=[written["listening"].pk], for_whom="Nurse Lee"
    )

    content = response.content.decode()
    assert 'value="Nurse Lee"' in content
    assert re.search(rf'name="reflections" value="{written["listening"].pk}"[^>]* checked', content)


def test_a_very_long_reflection_runs_on_across_pages_whole(alice_client, alice, journey):
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    words = [f"word{n}" for n in range(2500)]
    long = Reflection.objects.create(
        user=alice, prompt=prompt, prompt_text=prompt.text, text=" ".join(words)
    )

    response = compose(alice_client, reflections=[long.pk])

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3
    text = pdf_text(response)
    assert "word0 " in text
    assert "word2499" in text


def test_it_reads_the_same_few_queries_however_many_reflections_are_chosen(
    alice_client, alice, journey, django_assert_max_num_queries
):
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    for n in range(50):
        Reflection.objects.create(user=alice, prompt=prompt, prompt_text=prompt.text, text=f"{n}")
    stages = list(Stage.objects.written_in_by(alice).values_list("pk", flat=True))

    with django_assert_max_num_queries(15):
        compose(alice_client, "show", whole_stages=stages, period="all")
    with django_assert_max_num_queries(15):
        alice_client.get(URL)


def test_hundreds_of_reflections_can_be_chosen_one_by_one(alice_client, alice, journey):
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    Reflection.objects.bulk_create(
        Reflection(user=alice, prompt=prompt, prompt_text=prompt.text, text=f"Entry {n}.")
        for n in range(300)
    )
    every_one = list(Reflection.objects.for_user(alice).values_list("pk", flat=True))

    response = compose(alice_client, "show", reflections=every_one)

    assert response.status_code == 200
    assert response.content.decode().count('<div class="summary-doc__entry">') == 300
