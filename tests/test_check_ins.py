import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from journeys.models import CHECK_IN_NOTE_MAX_LENGTH, CheckIn, Readiness
from journeys.templatetags.dates_in_words import short_day_in_words


def check_ins_url(journey) -> str:
    return reverse("journeys:check_ins", args=[journey.slug])


def chart(content: str) -> str:
    """The check-in chart's figure in a page, or "" when there is none."""
    start = content.find('<figure class="chart"')
    return content[start : content.index("</figure>", start)] if start >= 0 else ""


def _dots(content: str, kind: str) -> list[tuple[int, int]]:
    found = re.search(rf'<path class="chart__{kind}" d="([^"]*)"', chart(content))
    return [(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)h0", found[1])] if found else []


def points(content: str) -> list[tuple[int, int]]:
    """The chart's points on its line, one a day, oldest first, as (x, y)."""
    return _dots(content, "points")


def earlier_points(content: str) -> list[tuple[int, int]]:
    """The open circles: the earlier check-ins of a day with several."""
    return _dots(content, "earlier")


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
    return re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, re.S)


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
    assert "4 check-ins in the last 12 weeks." in svg
    assert len(points(content)) == 4
    assert "style=" not in svg
    for label in Readiness.labels:
        assert f">{label}</text>" in svg
    table = content[content.index("<table") : content.index("</table>")]
    assert len(table_rows(content)) == 4
    assert "Very ready" in table
    assert "Not at all ready" in table


def test_a_single_check_in_is_one_point_on_its_day(alice_client, alice, journey):
    add_check_ins(alice, journey, [4])

    content = alice_client.get(check_ins_url(journey)).content.decode()

    [(x, _y)] = points(content)
    assert 900 < x < 1000  # yesterday, near the right of twelve weeks
    assert "One check-in in the last 12 weeks." in content
    assert "Check in again another day" in content


def test_the_chart_runs_from_left_to_right_in_time_and_up_with_readiness(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, [1, 5])

    content = alice_client.get(check_ins_url(journey)).content.decode()
    (first_x, first_y), (last_x, last_y) = points(content)
    assert first_x < last_x
    assert first_y > last_y


def test_it_shows_only_my_check_ins_for_this_journey(alice_client, alice, bob, journey):
    add_check_ins(bob, journey, [1, 1, 1])
    CheckIn.objects.create(user=bob, journey=journey, readiness=2, note="Bob's secret")
    add_check_ins(alice, journey, [4])

    content = alice_client.get(check_ins_url(journey)).content.decode()

    assert len(points(content)) == 1
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
    assert len(points(content)) == 2
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


# The period and pages


def test_the_chart_covers_the_last_12_weeks_and_says_so(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(100))  # the newest yesterday

    content = alice_client.get(check_ins_url(journey)).content.decode()

    # Yesterday and the 82 days before it; the 84th day back is today's.
    assert len(points(content)) == 83
    assert "Showing the last 12 weeks." in content
    assert "Your check-ins in the last 12 weeks, newest first" in content
    first_day = timezone.localdate() - timedelta(days=83)
    assert f"<span>{short_day_in_words(first_day)}</span><span>Today</span>" in content


def test_all_check_ins_show_when_asked_for(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(100))

    content = alice_client.get(check_ins_url(journey), {"period": "all"}).content.decode()

    assert len(points(content)) == 100
    assert "Showing all your check-ins." in content
    assert "All your check-ins, newest first" in content
    assert 'rel="next" href="?period=all&amp;page=2"' in content


def test_an_unknown_period_shows_the_last_12_weeks(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(100))

    content = alice_client.get(check_ins_url(journey), {"period": "ever"}).content.decode()

    assert len(points(content)) == 83


def test_older_check_ins_are_named_when_the_last_12_weeks_have_none(alice_client, alice, journey):
    CheckIn.objects.create(
        user=alice, journey=journey, readiness=3, created=timezone.now() - timedelta(weeks=20)
    )

    content = in_words(alice_client.get(check_ins_url(journey)).content.decode())

    assert chart(content) == ""
    assert "You have not checked in during the last 12 weeks." in content
    assert "You have not checked in yet." not in content


def test_the_table_pages_through_the_period_while_the_chart_shows_all_of_it(
    alice_client, alice, journey
):
    add_check_ins(alice, journey, moving(25))

    first = alice_client.get(check_ins_url(journey)).content.decode()
    second = alice_client.get(check_ins_url(journey), {"page": 2}).content.decode()

    assert "Day 24." in table_rows(first)[0] and "Day 15." in table_rows(first)[-1]
    assert "Day 14." in table_rows(second)[0] and "Day 5." in table_rows(second)[-1]
    assert len(points(first)) == len(points(second)) == 25
    assert "Page 2 of 3" in second
    assert 'rel="prev" href="?page=1"' in second
    assert 'rel="next" href="?page=3"' in second


def test_several_check_ins_on_one_day_are_drawn_apart_from_the_line(alice_client, alice, journey):
    now = timezone.localtime()
    CheckIn.objects.create(
        user=alice, journey=journey, readiness=2, created=now - timedelta(days=7)
    )
    for hours_ago, readiness in [(3, 1), (2, 5), (1, 4)]:
        CheckIn.objects.create(
            user=alice,
            journey=journey,
            readiness=readiness,
            created=max(now - timedelta(hours=hours_ago), now.replace(hour=0, minute=hours_ago)),
        )

    content = alice_client.get(check_ins_url(journey)).content.decode()

    (week_ago, today) = points(content)
    assert today[1] < week_ago[1]  # the line goes to the last of today: Mostly ready
    assert len(earlier_points(content)) == 2
    assert {x for x, _y in earlier_points(content)} == {today[0]}
    assert "the earlier ones are open circles" in content


def test_one_page_of_check_ins_needs_no_pages(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(10))

    content = alice_client.get(check_ins_url(journey)).content.decode()

    assert len(table_rows(content)) == 10
    assert 'class="pagination"' not in content


@pytest.mark.parametrize(
    ("page", "shown"), [("99", "Page 3 of 3"), ("nonsense", "Page 1 of 3"), ("-1", "Page 3 of 3")]
)
def test_a_page_number_out_of_range_still_shows_a_page(alice_client, alice, journey, page, shown):
    add_check_ins(alice, journey, moving(25))

    response = alice_client.get(check_ins_url(journey), {"page": page})
    content = response.content.decode()

    assert response.status_code == 200
    assert shown in content
    assert len(table_rows(content)) > 0
    assert len(points(content)) == 25


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


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_runs_the_same_few_queries_however_many_check_ins(
    alice_client, alice, journey, django_assert_max_num_queries, count
):
    add_check_ins(alice, journey, moving(count))
    alice_client.get(check_ins_url(journey))  # the first visit refreshes the session

    # Session, user, profile, journey, the count of check-ins and one page of
    # them, and whether I am linked with a partner.
    with django_assert_max_num_queries(7):
        response = alice_client.get(check_ins_url(journey), {"page": 2})

    assert len(points(response.content.decode())) == min(count, 83)


def test_the_page_stays_light_with_a_year_and_more_of_check_ins(alice_client, alice, journey):
    add_check_ins(alice, journey, moving(500))

    content = alice_client.get(check_ins_url(journey)).content

    # Every page aims at under 30 KB of HTML and CSS together. The chart of
    # twelve weeks of daily check-ins and one page of the table keep this page
    # under 14 KB of HTML however long someone has been checking in.
    assert len(content) < 14 * 1024


# Changing and deleting a check-in


def change_url(check_in) -> str:
    return reverse("journeys:check_in_change", args=[check_in.journey.slug, check_in.pk])


def delete_url(check_in) -> str:
    return reverse("journeys:check_in_delete", args=[check_in.journey.slug, check_in.pk])


def test_each_row_links_to_changing_or_deleting_its_check_in(alice_client, alice, journey):
    [older, newer] = add_check_ins(alice, journey, [2, 4])

    rows = table_rows(alice_client.get(check_ins_url(journey)).content.decode())

    assert f'href="{change_url(newer)}"' in rows[0]
    assert f'href="{change_url(older)}"' in rows[1]
    assert "Change or delete" in rows[0]
    assert "your check-in yesterday" in rows[0]


def test_changing_a_check_in_starts_from_what_it_says(alice_client, alice, journey):
    [check_in] = add_check_ins(alice, journey, [2])

    content = alice_client.get(change_url(check_in)).content.decode()

    assert "How ready did you feel?" in content
    [checked] = re.findall(r'<input type="radio"[^>]*\bchecked>', content)
    assert 'value="2"' in checked
    assert "Day 0.</textarea>" in content
    assert f'href="{delete_url(check_in)}"' in content


def test_a_changed_check_in_is_saved_and_the_page_says_so(alice_client, alice, journey):
    [check_in] = add_check_ins(alice, journey, [2])

    response = alice_client.post(change_url(check_in), {"readiness": "4", "note": "Better."})

    assert response.status_code == 302
    assert response["Location"] == f"{check_ins_url(journey)}#check-in-{check_in.pk}"
    check_in.refresh_from_db()
    assert (check_in.readiness, check_in.note) == (4, "Better.")
    page = alice_client.get(response["Location"]).content.decode()
    assert "Your check-in is changed." in page


def test_a_bad_change_is_refused_and_keeps_the_note(alice_client, alice, journey):
    [check_in] = add_check_ins(alice, journey, [2])

    response = alice_client.post(change_url(check_in), {"readiness": "9", "note": "Keep me"})
    content = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Keep me</textarea>" in content
    check_in.refresh_from_db()
    assert check_in.readiness == 2


def test_deleting_a_check_in_asks_first_then_deletes_it(alice_client, alice, journey):
    [check_in] = add_check_ins(alice, journey, [2])

    confirm = alice_client.get(delete_url(check_in)).content.decode()
    assert "Delete this check-in?" in confirm
    assert "Yes, delete it" in confirm
    assert CheckIn.objects.filter(pk=check_in.pk).exists()

    response = alice_client.post(delete_url(check_in))

    assert response.status_code == 302
    assert not CheckIn.objects.filter(pk=check_in.pk).exists()
    assert "Your check-in is deleted." in alice_client.get(response["Location"]).content.decode()


def test_another_persons_check_in_cannot_be_changed_or_deleted(alice_client, bob, journey):
    [bobs] = add_check_ins(bob, journey, [3])

    for url in (change_url(bobs), delete_url(bobs)):
        assert alice_client.get(url).status_code == 404
        assert alice_client.post(url, {"readiness": "1", "note": "x"}).status_code == 404
    bobs.refresh_from_db()
    assert (bobs.readiness, bobs.note) == (3, "Day 0.")


def test_a_check_in_is_only_reached_at_its_own_journeys_address(alice_client, alice, journey):
    [check_in] = add_check_ins(alice, journey, [3])
    elsewhere = reverse("journeys:check_in_change", args=["another-journey", check_in.pk])

    assert alice_client.get(elsewhere).status_code == 404


def test_the_note_of_a_change_is_kept_out_of_error_reports(alice_client, alice, journey):
    [check_in] = add_check_ins(alice, journey, [3])

    response = alice_client.post(change_url(check_in), {"readiness": "9", "note": "private"})

    hidden = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert hidden["note"] != "private"
