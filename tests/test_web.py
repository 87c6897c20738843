"""The review desk in a real browser: Debian's headless Chromium driven by Playwright, against
`kopi serve` started on a free port over a store filled by the real intake flow.

Screenshots of the main pages are written to var/test-screenshots/ for a person to look at."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import REFERENCE_DAY
from pipeline.reasons import ReasonCode
from pipeline.record import FormRecord
from pipeline.report.display import display_value
from pipeline.samples.writer import TRUTH_DIR, SampleContext, write_sample_set

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "var" / "test-screenshots"
# Held values a reviewer settles by typing what the page shows (two digit readings disagreeing
# included: the field offers both, and the reviewer may type either or another).
TEXT_REASONS = {ReasonCode.FIELD_LOW_CONFIDENCE, ReasonCode.FIELD_PAGE_UNCLEAR, ReasonCode.FIELD_INVALID,
                ReasonCode.FIELD_MISSING, ReasonCode.DIGITS_DISAGREE}


@dataclass
class Desk:
    base: str
    home: Path
    passwords: dict[str, str]
    truths: dict[int, dict]  # serial -> page truth


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kopi serve stopped: {server.stdout.read() if server.stdout else ''}")
        try:
            with urllib.request.urlopen(base + "/masuk", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("kopi serve did not answer in time")


@pytest.fixture(scope="module")
def desk(tmp_path_factory, prefect_harness, templates, gazetteer, routing):
    """Eight generated pages and two bad files read by the real intake flow; accounts for a
    reviewer, an admin and every unit that got work; the web app in its own process. Some pages
    are filled by hand: typed ones are now all read well enough to route, and the reviewer's
    tests need values held for review."""
    from flows.intake import intake
    from flows.runtime import store
    from pipeline.store.models import QueueItem
    from web.security import create_user

    inbox, home = tmp_path_factory.mktemp("inbox"), tmp_path_factory.mktemp("desk-home")
    os.environ["KOPI_HOME"] = str(home)
    ctx = SampleContext(templates, gazetteer, routing, seed=72, today=REFERENCE_DAY)
    write_sample_set(inbox, ctx, 10, first_serial=57_000, handwriting_share=0.3, bad_files=True)
    intake(str(inbox))
    passwords = {"rina": secrets.token_urlsafe(12), "adi": secrets.token_urlsafe(12)}
    with store().session() as session:
        create_user(session, "rina", passwords["rina"], "reviewer", "Rina (Prokopim)")
        create_user(session, "adi", passwords["adi"], "admin", "Adi (Admin)")
        for code in sorted(routing.units):
            passwords[f"skpd-{code.lower()}"] = secrets.token_urlsafe(12)
            create_user(session, f"skpd-{code.lower()}", passwords[f"skpd-{code.lower()}"], "skpd", unit_code=code,
                        units=set(routing.units))
    truths = {}
    for path in (inbox / TRUTH_DIR).glob("*.json"):
        if path.name != "manifest.json":
            for page in json.loads(path.read_text()).get("pages", []):
                if page.get("serial"):
                    truths[page["serial"]] = page
    desk = Desk("", home, passwords, truths)
    _approve_one_in_the_store(desk, templates)
    with store().session() as session:
        assert session.scalars(select(QueueItem).where(QueueItem.kind == "primary")).first() is not None
    port = _free_port()
    env = {**os.environ, "KOPI_HOME": str(home), "KOPI_SECRET_KEY": secrets.token_urlsafe(32)}
    kopi = Path(sys.executable).with_name("kopi")
    server = subprocess.Popen([str(kopi), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        desk.base = base
        yield desk
    finally:
        server.terminate()
        server.wait(timeout=10)
        os.environ.pop("KOPI_HOME", None)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def _page(browser, width: int = 1366, height: int = 768):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    context.set_default_timeout(15_000)
    return context.new_page()


def _login(page, desk: Desk, username: str) -> None:
    page.goto(desk.base + "/masuk")
    page.fill("#username", username)
    page.fill("#password", desk.passwords[username])
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert "/masuk" not in page.url, page.content()[:500]


def _records(desk: Desk):
    from flows.runtime import store
    from pipeline.store.models import Record

    os.environ["KOPI_HOME"] = str(desk.home)
    with store().session() as session:
        return [(row.id, row.status, FormRecord.model_validate(row.data), row.tracking_number)
                for row in session.scalars(select(Record).order_by(Record.id))]


def _fixable_all(desk: Desk, least: int) -> list[tuple[int, FormRecord, str]]:
    """Forms held only for text fields a reviewer can type from the page, with their truth known
    (at least `least` of them)."""
    found = []
    for record_id, status, form, tracking in _records(desk):
        if status != "needs_review" or form.identity is None:
            continue
        truth = desk.truths.get(form.identity.serial)
        if truth is None or truth["expected"]["status"] != "routed":
            continue  # unsigned or otherwise not routable even when read right
        held = [r for r in form.all_reasons()]
        if held and all(r.code in TEXT_REASONS and r.field in truth["values"] for r in held):
            found.append((record_id, form, tracking))
    assert len(found) >= least, f"the sample set needs {least} form(s) held only for text fields"
    return found


def _fixable(desk: Desk) -> tuple[int, FormRecord, str]:
    return _fixable_all(desk, 1)[0]


def _approve_one_in_the_store(desk: Desk, templates) -> None:
    """Units need work before any browser test runs: when the generated batch routed nothing on
    its own, one form is approved through the same store function the page uses."""
    from flows.runtime import reading_context, store
    from pipeline.store.models import QueueItem
    from pipeline.store.review import settle

    with store().session() as session:
        if session.scalars(select(QueueItem).where(QueueItem.kind == "primary")).first() is not None:
            return
    candidates = _fixable_all(desk, 2)  # one approved here, one left for the reviewer in the browser
    record_id, form, _ = candidates[-1]
    truth = desk.truths[form.identity.serial]
    template = templates.get(form.identity.form_id)
    typed = {fv.name: display_value(template.field(fv.name), truth["values"][fv.name]) if truth["values"][fv.name] else ""
             for fv in form.fields if fv.needs_review}
    with store().session() as session:
        settle(session, record_id, reading_context(), "seed", typed, {}, {})


def test_wrong_password_is_refused_and_throttled(desk, browser):
    page = _page(browser)
    page.goto(desk.base + "/masuk")
    page.fill("#username", "rina")
    page.fill("#password", "bukan-kata-sandinya")
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert "/masuk" in page.url
    assert "salah" in page.locator(".error").inner_text()
    page.screenshot(path=str(SHOTS / "masuk-gagal.png"))
    assert page.request.get(desk.base + "/pemeriksaan", max_redirects=0).status == 303  # still signed out
    for _ in range(6):  # five failures, then the sixth try is refused; another name, so the other tests can sign in
        page.fill("#username", "tamu")
        page.fill("#password", "tebakan-acak-123")
        with page.expect_navigation():
            page.press("#password", "Enter")
    assert "Terlalu banyak percobaan" in page.content()


def test_reviewer_corrects_by_keyboard_approves_and_the_unit_sees_it(desk, browser, templates):
    record_id, form, tracking = _fixable(desk)
    truth = desk.truths[form.identity.serial]
    template = templates.get(form.identity.form_id)
    page = _page(browser)
    _login(page, desk, "rina")
    assert page.url.endswith("/pemeriksaan")
    page.screenshot(path=str(SHOTS / "antrean-pemeriksaan.png"), full_page=True)
    page.click(f"a[href='/formulir/{record_id}']")
    page.wait_for_url(f"**/formulir/{record_id}")
    page.screenshot(path=str(SHOTS / "formulir-periksa.png"))

    doubtful = [fv.name for fv in form.fields if fv.needs_review]
    typed = {}
    for index, name in enumerate(doubtful):
        if index:  # Tab from the previous field to this one, as a reviewer would
            for _ in range(20):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.name") == f"f_{name}":
                    break
        assert page.evaluate("document.activeElement.name") == f"f_{name}"
        f = template.field(name)
        value = display_value(f, truth["values"][name]) if truth["values"][name] else ""
        typed[name] = value
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    is_textarea = page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    with page.expect_navigation():
        page.keyboard.press("Control+Enter" if is_textarea else "Enter")
    assert f"/formulir/{record_id}" not in page.url, page.locator("main").inner_text()[:2000]

    _, status, stored, _ = next(r for r in _records(desk) if r[0] == record_id)
    assert status == "routed"
    for name in doubtful:
        fv = stored.field(name)
        assert fv.confirmed_by == "rina" and not fv.needs_review
    primary = next(r.target for r in stored.routes if r.kind.value == "primary")

    unit_page = _page(browser, 390, 844)  # a phone
    _login(unit_page, desk, f"skpd-{primary.lower()}")
    assert unit_page.url.endswith("/antrean")
    card = unit_page.locator(".card", has_text=tracking)
    assert card.count() == 1
    unit_page.screenshot(path=str(SHOTS / "antrean-skpd-ponsel.png"), full_page=True)
    assert unit_page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    card.click()
    unit_page.fill("#catatan", "Sudah dicek ke lapangan.")
    unit_page.click("button:has-text('Terima')")
    assert "Tersimpan" in unit_page.locator(".ok").inner_text()
    unit_page.fill("#catatan", "Perbaikan selesai dikerjakan.")
    unit_page.click("button:has-text('Mulai tindak lanjut')")
    unit_page.fill("#catatan", "Perbaikan selesai dikerjakan.")
    unit_page.click("button:has-text('Selesai')")
    assert "Selesai" in unit_page.locator(".item-head").inner_text()
    unit_page.screenshot(path=str(SHOTS / "antrean-skpd-item-ponsel.png"), full_page=True)
    history = unit_page.locator(".history").inner_text()
    assert "disetujui dan diteruskan" in history and "diselesaikan SKPD" in history

    from flows.reports import write_export
    from pipeline.report.privacy import Audience

    out = desk.home / "ekspor.jsonl"
    write_export("jsonl", out, audience=Audience.PUBLIC)
    row = next(json.loads(line) for line in out.read_text().splitlines() if json.loads(line)["record_id"] == record_id)
    actions = [h["action"] for h in row["history"]]
    assert "corrected" in actions and "approve" in actions and "resolve" in actions
    assert all(row["fields"][n]["confirmed_by"] == "rina" for n in doubtful)


def test_reviewer_returns_a_form_to_its_village_by_keyboard(desk, browser, templates):
    waiting = [(i, f) for i, s, f, _ in _records(desk) if s == "needs_review"]
    record_id, form = waiting[-1]
    page = _page(browser)
    _login(page, desk, "rina")
    page.goto(f"{desk.base}/formulir/{record_id}")
    page.keyboard.press("Alt+K")
    assert page.evaluate("document.activeElement.id") == "alasan"
    page.select_option("#alasan", "foto")
    page.keyboard.press("Tab")
    page.keyboard.type("Bagian bawah terpotong.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _, status, _, _ = next(r for r in _records(desk) if r[0] == record_id)
    assert status == "returned"
    page.goto(f"{desk.base}/formulir/{record_id}")
    history = page.locator(".history").inner_text()
    assert "dikembalikan ke desa" in history and "Bagian bawah terpotong." in history and "difoto ulang" in history


def test_a_unit_cannot_open_another_units_form(desk, browser, routing):
    from flows.runtime import store
    from pipeline.store.models import QueueItem

    os.environ["KOPI_HOME"] = str(desk.home)
    with store().session() as session:
        item = session.scalars(select(QueueItem).where(QueueItem.kind == "primary")).first()
        involved = {i.target for i in session.scalars(select(QueueItem).where(QueueItem.record_id == item.record_id))}
    other = next(code for code in sorted(routing.units) if code not in involved)
    page = _page(browser)
    _login(page, desk, f"skpd-{other.lower()}")
    for path in (f"/antrean/{item.id}", f"/gambar/{item.record_id}/halaman.jpg", f"/formulir/{item.record_id}",
                 f"/antrean?skpd={item.target}", "/pemeriksaan", "/ringkasan", "/admin"):
        response = page.goto(desk.base + path)
        assert response.status == 403, path
    assert "Tidak diizinkan" in page.content()
    response = page.request.post(f"{desk.base}/antrean/{item.id}/terima",
                                 form={"csrf": _csrf(page, desk), "catatan": "bukan milik kami"})
    assert response.status == 403


def _csrf(page, desk: Desk) -> str:
    page.goto(desk.base + "/antrean")
    return page.locator("input[name=csrf]").first.get_attribute("value")


def test_missing_or_wrong_csrf_token_is_refused(desk, browser):
    page = _page(browser)
    _login(page, desk, "rina")
    record_id = next(i for i, s, _, _ in _records(desk) if s == "needs_review")
    for form in ({}, {"csrf": "palsu"}):
        response = page.request.post(f"{desk.base}/formulir/{record_id}/duplikat", form=form)
        assert response.status == 403 and "token keamanan" in response.text()
    assert next(s for i, s, _, _ in _records(desk) if i == record_id) == "needs_review"
    fresh = _page(browser)
    fresh.goto(desk.base + "/masuk")
    response = fresh.request.post(desk.base + "/masuk", form={"username": "rina", "password": desk.passwords["rina"]})
    assert response.status == 403


def test_file_urls_cannot_leave_the_store(desk, browser):
    page = _page(browser)
    _login(page, desk, "rina")
    (desk.home / "rahasia.txt").write_text("JANGAN-TERLIHAT")
    for path in ("/gambar/..%2F..%2Fkopi.db/halaman.jpg", "/gambar/1/isian/..%2F..%2Fsecret_key.jpg",
                 "/statis/..%2F..%2Fpyproject.toml", "/statis/%2e%2e/%2e%2e/rahasia.txt",
                 "/gambar/1/isian/%2e%2e%2f%2e%2e%2frahasia.txt.jpg", "/statis/../../../etc/passwd"):
        response = page.request.get(desk.base + path)
        body = response.body()
        assert response.status in (400, 403, 404, 422), path
        assert b"JANGAN-TERLIHAT" not in body and b"SQLite format" not in body and b"root:" not in body, path


def test_overview_and_admin_pages(desk, browser):
    page = _page(browser)
    _login(page, desk, "adi")
    page.goto(desk.base + "/ringkasan")
    assert "Formulir masuk" in page.content() and "Paling lama menunggu" in page.content()
    page.screenshot(path=str(SHOTS / "ringkasan.png"), full_page=True)
    page.goto(desk.base + "/admin")
    page.screenshot(path=str(SHOTS / "admin.png"), full_page=True)
    bad = desk.home / "rules.yaml"
    bad.write_text("forms:\n  KIM-02:\n    primary: [TIDAK-ADA]\n")
    page.set_input_files("input[name=rules]", str(bad))
    page.click("button:has-text('Periksa dan pasang')")
    assert "tidak valid" in page.locator(".error").inner_text()
    assert not (desk.home / "config" / "routing" / "rules.yaml").exists()
    page.set_input_files("input[name=rules]", files=[{"name": "rules.exe", "mimeType": "text/plain", "buffer": b"x"}])
    page.click("button:has-text('Periksa dan pasang')")
    assert "hanya berkas .yaml" in page.locator(".error").inner_text()
    page.fill("input[name=username]", "baru")
    page.fill("input[name=password]", "pendek")
    page.evaluate("document.querySelector('input[name=password]').removeAttribute('minlength')")
    page.click("button:has-text('Buat akun')")
    assert "minimal 10" in page.locator(".error").inner_text()


def test_pages_are_indonesian_and_fit_an_office_screen(desk, browser):
    page = _page(browser)
    _login(page, desk, "rina")
    page.goto(desk.base + "/pemeriksaan/berikut")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("#tombol-setujui").is_visible()  # the approve button is on screen without scrolling
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    for word in ("Setujui", "Kembalikan ke desa", "Riwayat"):
        assert word in page.content()
