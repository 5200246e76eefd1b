"""Rate limits hold across server processes: the cache is the database (or Redis), not each process's memory.

Two real `pelatis serve` servers (gunicorn, two workers each) share one data folder, as two machines
behind a load balancer share a database. One client alternates its support-form posts between them:
the sixth post overall, whichever server takes it, is refused with 429.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.served import Browser, Server, migrated_data_dir, serve

LIMIT = 5  # pelatis.channels.web.RATE_LIMIT: posts per client per 10 minutes


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated install, copied for each test (migrate runs once)."""
    return migrated_data_dir(tmp_path_factory.mktemp("pelatis-migrated"))


def _request(n: int) -> dict[str, str]:
    return {
        "name": f"Πελάτης {n}",
        "email": f"visitor{n}@example.com",
        "phone": "",
        "type": "question",
        "subject": f"Ερώτηση {n}",
        "message": "Έχετε διαθέσιμο δίκλινο για τον Αύγουστο;",
        "consent": "on",
        "website": "",
        "time_zone": "Europe/Athens",
    }


def _post_alternating(servers: list[Server], posts: int) -> list[tuple[int, int]]:
    """(server index, status) of each support-form post, taking the servers in turn."""
    browser = Browser()
    results = []
    for n in range(posts):
        index = n % len(servers)
        token = browser.csrf_token(servers[index], "/support/")
        response = browser.request(
            servers[index], "POST", "/support/", {**_request(n), "csrfmiddlewaretoken": token}
        )
        assert response.status < 500, response.text[-2000:]
        results.append((index, response.status))
    return results


def _two_servers_count_together(data_dir: Path, label: str, **env: str) -> None:
    servers = [serve(data_dir, workers=2, **env), serve(data_dir, workers=2, **env)]
    try:
        results = _post_alternating(servers, LIMIT + 2)
    finally:
        for server in servers:
            server.stop()
    statuses = [status for _, status in results]
    accepted = sum(1 for s in statuses if s != 429)
    refused = sum(1 for s in statuses if s == 429)
    by_server = " ".join("AB"[i] + f":{s}" for i, s in results)
    print(
        f"\n[{label}] two `pelatis serve` processes (2 gunicorn workers each), one client alternating: "
        f"posts attempted={len(statuses)} accepted={accepted} refused 429={refused} "
        f"(server:status {by_server})"
    )
    assert 429 not in statuses[:LIMIT], statuses
    assert statuses[LIMIT:] == [429, 429], statuses  # the 6th post went to the second server: still counted


def test_support_form_limit_is_counted_across_two_server_processes(migrated: Path, tmp_path: Path) -> None:
    _two_servers_count_together(migrated_data_dir(tmp_path / "data", template=migrated), "database cache")


def test_support_form_limit_is_counted_across_two_server_processes_with_redis(
    migrated: Path, tmp_path: Path, redis_url: str
) -> None:
    data_dir = migrated_data_dir(tmp_path / "data", template=migrated)
    _two_servers_count_together(data_dir, "Redis cache", PELATIS_CACHE_URL=redis_url)
    keys = subprocess.run(
        ["redis-cli", "-u", redis_url, "--scan", "--pattern", "pelatis:*"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.split()
    assert any("rate:support" in key for key in keys), keys  # the counter was in Redis


def test_a_served_install_has_debug_off_its_own_404_and_still_serves_static_files(
    migrated: Path, tmp_path: Path
) -> None:
    server = serve(migrated_data_dir(tmp_path / "data", template=migrated), workers=1)
    try:
        browser = Browser()
        missing = browser.request(server, "GET", "/no-such-page/")
        css = browser.request(server, "GET", "/static/pelatis/app.css")
        htmx = browser.request(server, "GET", "/static/vendor/htmx.org/dist/htmx.min.js")  # from node_modules
        login = browser.request(server, "GET", "/login/")
    finally:
        server.stop()
    assert missing.status == 404
    assert "URLconf" not in missing.text  # not Django's debug page
    assert "Η σελίδα δεν υπάρχει" in missing.text  # the product's own, in the business's language
    assert css.status == 200  # whitenoise serves static files with DEBUG off
    assert ".login-page" in css.text
    assert htmx.status == 200
    assert login.status == 200
