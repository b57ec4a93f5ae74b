"""The live server answers several people at the same moment, as the site does."""

import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from journeys.models import Prompt, Reflection
from tests.browser.demo import session_cookie


def test_two_people_asking_at_the_same_moment_each_get_their_own_notes(
    live_server, journey, alice, bob
):
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    Reflection.start(alice, prompt, "Alice wrote about the garden.")
    Reflection.start(bob, prompt, "Bob wrote about the kitchen.")
    own_words = {"alice": "the garden", "bob": "the kitchen"}
    cookies = {person.username: session_cookie(person, live_server.url) for person in (alice, bob)}
    server = urlsplit(live_server.url)

    def reflections_page_of(username: str) -> tuple[str, int, str]:
        cookie = cookies[username]
        connection = http.client.HTTPConnection(server.hostname, server.port, timeout=10)
        try:
            connection.request(
                "GET", "/reflections/", headers={"Cookie": f"{cookie['name']}={cookie['value']}"}
            )
            response = connection.getresponse()
            return username, response.status, response.read().decode()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(reflections_page_of, ["alice", "bob"] * 60))

    assert [status for _, status, _ in answers] == [200] * len(answers)
    for username, _, page in answers:
        other = "bob" if username == "alice" else "alice"
        assert own_words[username] in page
        assert own_words[other] not in page
