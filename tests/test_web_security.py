"""The review desk's defences without a browser: sign-in throttling per address behind an HTTPS
proxy (the visitor's address comes from X-Forwarded-For only when the proxy is trusted,
KOPI_TRUSTED_PROXIES), and the session-signing key."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from pipeline.settings import load_settings
from pipeline.store.db import open_store
from web.security import MAX_FAILURES_PER_ADDRESS, create_user


def _client(kopi_home) -> TestClient:
    from web.app import create_app

    store = open_store(load_settings())
    with store.session() as session:
        create_user(session, "rina", "kata-sandi-panjang-1", "reviewer", "Rina")
    store.close()
    return TestClient(create_app(), base_url="http://testserver")


def _sign_in(client: TestClient, username: str, password: str, visitor: str) -> int:
    page = client.get("/masuk")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/masuk", data={"username": username, "password": password, "csrf": csrf, "lanjut": ""},
                           headers={"X-Forwarded-For": visitor}, follow_redirects=False)
    return response.status_code


@pytest.mark.parametrize("trusted", [True, False])
def test_one_visitors_failures_lock_out_the_office_only_without_a_trusted_proxy(kopi_home, monkeypatch, trusted):
    if trusted:
        monkeypatch.setenv("KOPI_TRUSTED_PROXIES", "testclient")  # TestClient's own address: the proxy
    client = _client(kopi_home)
    # Someone guessing from one address, each name fewer times than the per-name limit.
    for n in range(MAX_FAILURES_PER_ADDRESS):
        assert _sign_in(client, f"tamu{n}", "salah", "203.0.113.9") == 401
    status = _sign_in(client, "rina", "kata-sandi-panjang-1", "198.51.100.7")  # a colleague, elsewhere
    assert status == (303 if trusted else 429)


def test_the_session_key_is_owner_only_and_one_key_however_many_start_at_once(tmp_path, monkeypatch):
    import stat
    from concurrent.futures import ThreadPoolExecutor

    from web.security import secret_key

    monkeypatch.delenv("KOPI_SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: secret_key(tmp_path), range(8)))
    assert len(keys) == 1 and len(keys.pop()) > 40
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no scratch files left
