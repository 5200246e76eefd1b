"""Outgoing SMS: parts and encodings, E.164 numbers, and the three gateways (console, file, a real HTTP
receiver on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from pelatis.channels.sms import (
    ConsoleBackend,
    InvalidNumber,
    SmsError,
    is_mobile,
    masked,
    sms_number,
    sms_send,
    sms_size,
)


class Gateway:
    """What the test HTTP gateway received, and how it answers."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        self.answer: bytes = b'{"id": "gw-1"}'


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    """A real HTTP server on 127.0.0.1 standing in for an SMS provider; settings point the http backend at it."""
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append(
                {
                    "body": self.rfile.read(length),
                    "authorization": self.headers.get("Authorization", ""),
                    "content_type": self.headers.get("Content-Type", ""),
                    "path": self.path,
                }
            )
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the base class's name
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PELATIS_SMS_BACKEND = "http"
    settings.PELATIS_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/v1/sms"
    settings.PELATIS_SMS_TOKEN = "gw-secret"
    settings.PELATIS_SMS_SENDER = "Kafeneio"
    settings.PELATIS_SMS_TIMEOUT = 5
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_greek_text_is_ucs2_70_characters_a_part() -> None:
    assert sms_size("α" * 70).encoding == "UCS-2"
    assert sms_size("α" * 70).parts == 1
    assert sms_size("α" * 71).parts == 2  # 67 a part once split
    assert sms_size("α" * 134).parts == 2
    assert sms_size("α" * 135).parts == 3


def test_latin_text_is_gsm7_160_characters_and_the_euro_counts_twice() -> None:
    assert sms_size("a" * 160).encoding == "GSM-7"
    assert sms_size("a" * 160).parts == 1
    assert sms_size("a" * 161).parts == 2
    assert sms_size("a" * 159 + "€").length == 161
    assert sms_size("a" * 159 + "€").parts == 2


def test_the_greek_capitals_gsm7_holds_fit_but_others_do_not() -> None:
    # GSM 03.38 has ΔΦΓΛΩΠΨΣΘΞ; Greek Α, Ε, Ι… are other characters than Latin A, E, I.
    assert sms_size("ΔΣΦ ΓΛΩ").encoding == "GSM-7"
    assert sms_size("ΓΕΙΑ ΣΑΣ").encoding == "UCS-2"
    assert sms_size("Γεια σας").encoding == "UCS-2"


def test_numbers_become_e164_and_only_mobiles_take_sms() -> None:
    assert sms_number("697 123 4567") == "+306971234567"
    assert sms_number("00306971234567") == "+306971234567"
    assert is_mobile("+306971234567")
    assert not is_mobile("+302101234567")
    with pytest.raises(InvalidNumber):
        sms_number("12")
    assert masked("+306971234567") == "+30******4567"


def test_console_backend_prints_the_text_with_the_number_masked() -> None:
    stream = io.StringIO()
    ConsoleBackend(stream).send(to="+306971234567", text="Καλημέρα Γιώργο", sender="Shop")

    printed = stream.getvalue()
    assert "Καλημέρα Γιώργο" in printed
    assert "+30******4567" in printed
    assert "6971234567" not in printed


def test_file_backend_writes_one_json_line_per_sms(settings: Any, tmp_path: Any) -> None:
    settings.PELATIS_SMS_BACKEND = "file"
    settings.PELATIS_SMS_DIR = str(tmp_path / "sms")

    sms_send(to="6971234567", text="Χρόνια πολλά, Ελένη!", sender="Shop")
    sms_send(to="+306977654321", text="Second", sender="Shop")

    (path,) = (tmp_path / "sms").iterdir()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["text"]) for line in lines] == [
        ("+306971234567", "Χρόνια πολλά, Ελένη!"),
        ("+306977654321", "Second"),
    ]


def test_http_gateway_gets_json_with_bearer_token_and_greek_intact(gateway: Gateway) -> None:
    result = sms_send(to="697 123 4567", text="Γεια σου Γιώργο, έχεις 120 πόντους.")

    assert result.gateway_id == "gw-1"
    assert result.to == "+306971234567"
    (request,) = gateway.received
    assert request["path"] == "/v1/sms"
    assert request["authorization"] == "Bearer gw-secret"
    assert request["content_type"].startswith("application/json")
    assert json.loads(request["body"].decode("utf-8")) == {
        "to": "+306971234567",
        "text": "Γεια σου Γιώργο, έχεις 120 πόντους.",
        "sender": "Kafeneio",
    }


def test_http_gateway_refusal_is_permanent_and_an_outage_is_not(gateway: Gateway) -> None:
    gateway.status, gateway.answer = 422, b'{"error": "unknown subscriber"}'
    with pytest.raises(SmsError) as refused:
        sms_send(to="6971234567", text="x")
    assert refused.value.refused

    gateway.status = 503
    with pytest.raises(SmsError) as outage:
        sms_send(to="6971234567", text="x")
    assert not outage.value.refused


def test_http_gateway_that_is_not_listening_is_an_outage(settings: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket closes
    settings.PELATIS_SMS_BACKEND = "http"
    settings.PELATIS_SMS_URL = f"http://127.0.0.1:{port}/sms"
    settings.PELATIS_SMS_TIMEOUT = 2

    with pytest.raises(SmsError) as error:
        sms_send(to="6971234567", text="x")
    assert not error.value.refused


def test_an_unknown_backend_or_a_bad_url_is_a_configuration_error(settings: Any) -> None:
    settings.PELATIS_SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        sms_send(to="6971234567", text="x")
    settings.PELATIS_SMS_BACKEND = "http"
    settings.PELATIS_SMS_URL = "file:///etc/passwd"
    with pytest.raises(ImproperlyConfigured):
        sms_send(to="6971234567", text="x")
