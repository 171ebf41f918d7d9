"""Settings → Network's STUN test against a real STUN server (coturn on 127.0.0.1) and a port
where nothing listens: each server's answer on its own line, the button back once all are in."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from softphone.config import Config, NetworkConfig
from softphone.phone import Phone
from softphone.ui.settings.account_list import AccountList
from softphone.ui.settings.network_page import TESTING, NetworkPage
from tests.gui.conftest import Recorder
from tests.integration.conftest import require
from tests.peers.coturn import Coturn, turnserver_binary
from tests.peers.ports import HOST, free_port

ANSWERED = 10_000  # ms: the servers here answer in milliseconds or refuse at once


def make_page(qtbot: QtBot, network: NetworkConfig) -> NetworkPage:
    config = Config(network=network)
    phone = Phone(config, lambda event: None)
    phone.engine = Recorder()  # type: ignore[assignment]
    page = NetworkPage(config, AccountList(()), phone)
    qtbot.addWidget(page)
    page.show()
    return page


def test_each_stun_server_says_where_it_sees_us_or_why_not(qtbot: QtBot, peers) -> None:
    require(turnserver_binary)
    server = peers.start(Coturn(peers.workdir("coturn"), HOST, "ada", "relay-pass"))
    closed = f"{HOST}:{free_port()}"
    page = make_page(qtbot, NetworkConfig(stun_servers=(f"{HOST}:{server.port}", closed)))
    page.stun_test.click()

    assert page.stun_status.text() == TESTING
    assert not page.stun_test.isEnabled()
    qtbot.waitUntil(page.stun_test.isEnabled, timeout=ANSWERED)
    found, refused = page.stun_status.text().splitlines()
    assert found.startswith(f"{HOST}:{server.port} sees you at {HOST}:"), found
    assert refused == f"Nothing answers at {closed}: no STUN server listens on that port."


def test_a_wrong_server_is_explained_under_the_field_and_nothing_is_asked(
        qtbot: QtBot) -> None:
    page = make_page(qtbot, NetworkConfig())
    page.inputs["stun_servers"].setText("stun.example.net:99999")
    page.stun_test.click()

    assert "Each item must be a host name" in page.errors["stun_servers"].text()
    assert page.stun_test.isEnabled() and page.stun_status.text() == ""
    page.inputs["stun_servers"].clear()
    page.stun_test.click()
    assert page.errors["stun_servers"].isHidden()
    assert page.stun_status.text().startswith("No STUN server is set")
