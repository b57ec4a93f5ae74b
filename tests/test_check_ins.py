import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from journeys.models import CHECK_IN_NOTE_MAX_LENGTH, CheckIn, Readiness
from journeys.templatetags.dates_in_words import day_in_words, short_day_in_words


def check_ins_url(journey) -> str:
    return reverse("journeys:check_ins", args=[journey.slug])


def chart(content: str) -> str:
    """The check-in chart's SVG in a page, or "" when there is none."""
    start = content.find('<svg class="chart__svg"')
    return content[start : content.index("</svg>", start)] if start >= 0 else ""


def add_check_ins(user, journey, readiness: list[int]) -> list[CheckIn]:
    """One check-in a day, the last one yesterday, each with the note "Day n." from 0."""
    start = timezone.now() - timedelta(days=len(readiness))
    return CheckIn.objects.bulk_create(
        CheckIn(
            user=user,
            journey=journey,
            readiness=value,
            note=f"Day {day}.",
            created=start + timedelta(days=day),
        )
        for day, value in enumerate(readiness)
    )


def moving(days: int) -> list[int]:
    """A readiness for each of `days` days, up and down through all five."""
    return [(day % 5) + 1 for day in range(days)]


def table_rows(content: str) -> list[str]:
    body = content[content.index("<tbody>") : content.index("</tbody>")]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def in_words(content: str) -> str:
    return " ".join(content.split())


def test_it_asks_how_ready_i_feel_with_words_for_every_point(alice_client, journey):
    response = alice_client.get(check_ins_url(journey))
    content = response.content.decode()

    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert "<legend" in content
    assert "How ready do you feel today?" in content
    for label in Readiness.labels:
        assert str(label) in content
    assert content.count('type="radio"') == 5


def test_it_says_kindly_when_there_are_no_check_ins_yet(alice_client, journey):
    content = alice_client.get(check_ins_url(journey)).content.decode()

    assert "You have not checked in yet" in content
    assert chart(content) == ""
    assert "<table" not in content


def test_it_saves_a_check_in_and_redirects_with_a_message(alice_client, alice, journey):
    response = alice_client.post(
        check_ins_url(journey), {"readiness": "3", "note": "Tired, but hopeful."}
    )

    assert response.status_code == 302
    assert response["Location"] == check_ins_url(journey)
    check_in = CheckIn.objects.get()
    assert (check_in.user, check_in.journey, check_in.readiness) == (alice, journey, 3)
    assert check_in.note == "Tired, but hopeful."
    page = alice_client.get(response["Location"]).content.decode()
    assert "Your check-in is saved" in page
    assert "Tired, but hopeful." in page


def test_the_note_is_optional(alice_client, journey):
    response = alice_client.post(check_ins_url(journey), {"readiness": "5"})

    assert response.status_code == 302
    assert CheckIn.objects.get().note == ""


@pytest.mark.parametrize("readiness", ["", "0", "6", "-1", "very", "3.5"])
def test_it_refuses_a_missing_or_out_of_range_readiness(alice_client, journey, readiness):
    response = alice_client.post(check_ins_url(journey), {"readiness": readiness, "note": "hm"})
    content = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in content
    assert 'href="#id_readiness_0"' in content
    assert "hm</textarea>" in content
    assert not CheckIn.objects.exists()


def test_it_refuses_a_note_that_is_too_long_and_keeps_the_text(alice_client, journey):
    note = "word " * (CHECK_IN_NOTE_MAX_LENGTH // 5) + "extra"

    response = alice_client.post(check_ins_url(journey), {"readiness": "2", "note": note})
    content = response.content.decode()

    assert response.status_code == 200
    assert "Please shorten it to 2,000 or fewer" in content
    assert note.strip() in content
    assert 'id="id_readiness_1" checked' in content
    assert not CheckIn.objects.exists()


def test_it_draws_the_history_as_a_chart_with_a_table_of_the_same_data(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, [1, 3, 2, 5])

    content = alice_client.get(check_ins_url(journey)).content.decode()
    svg = chart(content)

    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">' in svg
    assert "4 check-ins from" in svg
    assert svg.count("<circle") == 4
    assert "style=" not in svg
    for label in Readiness.labels:
        assert f">{label}</text>" in svg
    table = content[content.index("<table") : content.index("</table>")]
    assert table.count("<tr>") == 5
    assert "Very ready" in table
    assert "Not at all ready" in table


def test_a_single_check_in_is_one_point_in_the_middle(alice_client, alice, journey):
    add_check_ins(alice, journey, [4])

    content = alice_client.get(check_ins_url(journey)).content.decode()

    assert re.findall(r'<circle cx="([^"]+)"', chart(content)) == ["50.00%"]
    assert "One check-in, on" in content
    assert "Check in again another day" in content


def test_the_chart_runs_from_left_to_right_in_time_and_up_with_readiness(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, [1, 5])

    content = alice_client.get(check_ins_url(journey)).content.decode()
    points = re.findall(r'<circle cx="([\d.]+)%" cy="(\d+)"', chart(content))

    (first_x, first_y), (last_x, last_y) = points
    assert float(first_x) < float(last_x)
    assert int(first_y) > int(last_y)


def test_it_shows_only_my_check_ins_for_this_journey(alice_client, alice, bob, journey):
    add_check_ins(bob, journey, [1, 1, 1])
    CheckIn.objects.create(user=bob, journey=journey, readiness=2, note="Bob's secret")
    add_check_ins(alice, journey, [4])

    content = alice_client.get(check_ins_url(journey)).content.decode()

    assert chart(content).count("<circle") == 1
    assert "Bob&#x27;s secret" not in content
    assert "Bob's secret" not in content


def test_an_unpublished_journey_answers_404(alice_client, journey):
    journey.published = False
    journey.save()

    assert alice_client.get(check_ins_url(journey)).status_code == 404
    assert alice_client.post(check_ins_url(journey), {"readiness": "3"}).status_code == 404
    assert not CheckIn.objects.exists()


def test_an_unknown_journey_answers_404(alice_client, db):
    response = alice_client.get(reverse("journeys:check_ins", args=["nowhere"]))

    assert response.status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, journey):
    response = client.get(check_ins_url(journey))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_with_htmx_it_answers_only_the_updated_history_and_a_fresh_form(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, [2])

    response = alice_client.post(
        check_ins_url(journey), {"readiness": "4", "note": "Better."}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in content
    assert '<div id="check-in" ' in content
    assert chart(content).count("<circle") == 2
    assert 'hx-swap-oob="innerHTML"' in content
    assert "Saved: Mostly ready" in content
    assert "checked" not in content
    assert CheckIn.objects.count() == 2


def test_with_htmx_a_bad_answer_returns_the_form_with_errors_and_keeps_the_note(
    alice_client, journey
):
    response = alice_client.post(
        check_ins_url(journey), {"readiness": "9", "note": "Keep me"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()

    assert response.status_code == 422
    assert "<html" not in content
    assert "There is a problem" in content
    assert "Keep me</textarea>" in content


def test_with_htmx_a_signed_out_post_keeps_the_form_and_says_to_sign_in(client, journey):
    response = client.post(
        check_ins_url(journey), {"readiness": "3", "note": "Keep me"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()

    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    assert "<html" not in content
    assert "you have been signed out" in content
    assert 'target="_blank"' in content
    assert not CheckIn.objects.exists()


def test_the_note_is_kept_out_of_error_reports(alice_client, journey):
    response = alice_client.post(check_ins_url(journey), {"readiness": "9", "note": "private"})

    hidden = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert hidden["note"] != "private"
    assert hidden["readiness"] == "9"


# Pages


def test_the_first_page_shows_the_ten_newest_in_the_chart_and_the_table_alike(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, moving(25))

    content = alice_client.get(check_ins_url(journey)).content.decode()
    rows = table_rows(content)

    assert len(rows) == 10
    assert "Day 24." in rows[0] and "Day 15." in rows[-1]
    assert "Day 14." not in content
    assert chart(content).count("<circle") == 10
    assert "The chart and the table show your 10 most recent check-ins, from" in in_words(content)
    assert "You have checked in 25 times." in in_words(content)
    assert "Page 1 of 3" in content
    assert 'rel="next" href="?page=2"' in content
    assert "Newer check-ins" not in content


def test_the_second_page_shows_the_next_ten_older_ones(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(25))

    content = alice_client.get(check_ins_url(journey), {"page": 2}).content.decode()
    rows = table_rows(content)

    assert len(rows) == 10
    assert "Day 14." in rows[0] and "Day 5." in rows[-1]
    assert "Day 15." not in content and "Day 4." not in content
    assert chart(content).count("<circle") == 10
    assert "Page 2 of 3" in content
    assert 'rel="prev" href="?page=1"' in content
    assert 'rel="next" href="?page=3"' in content


def test_the_last_page_shows_what_is_left_and_no_older_link(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(25))

    content = alice_client.get(check_ins_url(journey), {"page": 3}).content.decode()

    assert len(table_rows(content)) == 5
    assert chart(content).count("<circle") == 5
    assert "Older check-ins" not in content
    assert "Newer check-ins" in content


def test_the_chart_spans_the_same_days_as_the_table_and_says_which(alice_client, alice, journey):
    check_ins = add_check_ins(alice, journey, moving(25))
    newest, oldest = check_ins[14], check_ins[5]  # the second page

    content = alice_client.get(check_ins_url(journey), {"page": 2}).content.decode()
    svg = chart(content)

    first_day, last_day = day_in_words(oldest.created), day_in_words(newest.created)
    assert f"10 check-ins from {first_day} to {last_day}." in svg
    assert f">{short_day_in_words(oldest.created)}</text>" in svg
    assert f">{short_day_in_words(newest.created)}</text>" in svg
    days_in_chart = re.findall(r"<title>([^,<]+), \d\d:\d\d: ", svg)
    days_in_table = re.findall(r'<th scope="row">([^<]+)<', content)
    assert sorted(days_in_chart) == sorted(days_in_table)
    days = f"from {short_day_in_words(oldest.created)} to {short_day_in_words(newest.created)}"
    assert f"The chart and the table show 10 earlier check-ins, {days}." in in_words(content)
    assert f'<caption class="table__caption">Your check-ins {days}, newest first<' in content


def test_one_page_of_check_ins_needs_no_pages_or_range(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(10))

    content = alice_client.get(check_ins_url(journey)).content.decode()

    assert len(table_rows(content)) == 10
    assert 'class="pagination"' not in content
    assert "The chart and the table show" not in content


@pytest.mark.parametrize(
    ("page", "shown"), [("99", "Page 3 of 3"), ("nonsense", "Page 1 of 3"), ("-1", "Page 3 of 3")]
)
def test_a_page_number_out_of_range_still_shows_a_page(alice_client, alice, journey, page, shown):
    add_check_ins(alice, journey, moving(25))

    response = alice_client.get(check_ins_url(journey), {"page": page})
    content = response.content.decode()

    assert response.status_code == 200
    assert shown in content
    assert len(table_rows(content)) == chart(content).count("<circle") > 0


def test_with_htmx_a_page_link_answers_only_the_history_from_the_same_template(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, moving(25))

    response = alice_client.get(check_ins_url(journey), {"page": 2}, HTTP_HX_REQUEST="true")
    content = response.content.decode()

    assert response.status_code == 200
    assert content.lstrip().startswith('<section class="check-in__history" id="check-in-history"')
    assert "<form" not in content
    assert "Day 14." in table_rows(content)[0]
    assert 'hx-target="#check-in-history"' in content
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(alice_client, alice, journey):
    add_check_ins(alice, journey, [3])

    response = alice_client.get(
        check_ins_url(journey), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_checking_in_from_an_older_page_shows_the_newest_and_its_address(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, moving(25))

    response = alice_client.post(
        check_ins_url(journey),
        {"readiness": "4", "note": "Now."},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{check_ins_url(journey)}?page=3",
    )
    content = response.content.decode()

    assert "Now." in table_rows(content)[0]
    assert "Page 1 of 3" in content
    assert response["HX-Replace-Url"] == check_ins_url(journey)


def test_a_refused_check_in_keeps_the_note_beside_a_long_history(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(25))

    response = alice_client.post(check_ins_url(journey), {"readiness": "", "note": "Keep me"})
    content = response.content.decode()

    assert "There is a problem" in content
    assert "Keep me</textarea>" in content
    assert len(table_rows(content)) == 10


# Cost


@pytest.mark.parametrize("count", [1, 500])
def test_the_page_runs_the_same_few_queries_however_many_check_ins(
    alice_client, alice, journey, django_assert_max_num_queries, count
):
    add_check_ins(alice, journey, moving(count))
    alice_client.get(check_ins_url(journey))  # the first visit refreshes the session

    # Session, user, profile, journey, the count of check-ins and one page of them.
    with django_assert_max_num_queries(6):
        response = alice_client.get(check_ins_url(journey), {"page": 2})

    assert chart(response.content.decode()).count("<circle") == min(count, 10)


def test_the_page_stays_light_with_a_year_and_more_of_check_ins(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(500))

    content = alice_client.get(check_ins_url(journey)).content

    # Every page aims at under 30 KB of HTML and CSS together and the stylesheet
    # takes 14 to 16 KB of that: 12 KB of HTML keeps this page inside the aim
    # however long someone has been checking in.
    assert len(content) < 12 * 1024
