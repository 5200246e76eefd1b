"""The whole REST API under schemathesis: no server error, every answer as the OpenAPI schema says.

Runs in-process through the WSGI application (no server, no network) as an admin with a bearer token, inside
the test's database transaction, so whatever the fuzzer writes is rolled back. Deterministic: a fixed seed,
derandomised Hypothesis, no example database. Bounded: ten generated cases per operation and mode, plus
schemathesis' coverage cases (boundary values: huge integers, long strings, missing and wrong-typed fields).
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests  # the per-operation test builder of the pinned 4.x
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pelatis.accounts.services import token_create
from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.services import customer_create, order_create
from pelatis.helpdesk.models import Team, Ticket
from pelatis.helpdesk.services.tickets import InboundMail, message_receive, ticket_open
from tests.fixtures import ApiClient, _user

MAX_EXAMPLES = 10
SEED = 20260801
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["all"],
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "no-shrink": True,
        },
        "phases": {"stateful": {"enabled": False}},
    }
)

STATS: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


@pytest.fixture
def api_schema(db: None, settings: Any) -> Iterator[Any]:
    settings.PELATIS_API_RATE_PER_MINUTE = 1_000_000
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Thousands of 4xx answers are the point here; only server errors are worth a log line.
    request_log = logging.getLogger("django.request")
    level, request_log.level = request_log.level, logging.ERROR
    # Requests use the test's connection and transaction, as with Django's test client: not closed in between.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        request_log.setLevel(level)


@dataclass
class Cast:
    """An admin's token and a little data the fuzzer is steered to, so that valid cases reach the services."""

    token: str
    ids: dict[str, list[int]]
    turn: itertools.count[int] = field(default_factory=itertools.count)

    def real(self, kind: str) -> int:
        """One of the existing ids of this kind, in turn (deterministic)."""
        pool = self.ids[kind]
        return pool[next(self.turn) % len(pool)]


@pytest.fixture
def cast(db: None) -> Cast:
    admin = _user("fuzz-admin", "admin")
    team = Team.objects.create(name="Υποδοχή")
    ids: dict[str, list[int]] = collections.defaultdict(list)
    for i in range(6):
        person = customer_create(
            data=CustomerInput(
                first_name=f"Πελάτης {i}",
                last_name="Δοκιμή",
                emails=[f"fuzz{i}@example.com"],
                phones=[f"69700000{i:02d}"],
            )
        )
        order = order_create(
            customer=person,
            data=OrderInput(
                reference=f"FZ-{i}",
                placed_at=timezone.now() - dt.timedelta(days=i),
                lines=[OrderLineInput(name="Δωμάτιο", unit_price="80.00")],
            ),
        )
        ticket, first = ticket_open(
            customer=person,
            subject=f"Ερώτηση {i}",
            mail=InboundMail(body_text="Καλησπέρα"),
            type="complaint" if i % 2 else "question",
        )
        second = message_receive(
            ticket=ticket, mail=InboundMail(body_text="Και κάτι ακόμη", subject="Τιμολόγιο")
        )
        if i == 0:
            Ticket.objects.filter(pk=ticket.pk).update(team=team)
        ids["customer"].append(person.pk)
        ids["point"].extend(person.contact_points.values_list("pk", flat=True))
        ids["order"].append(order.pk)
        ids["ticket"].append(ticket.pk)
        ids["message"].extend([first.pk, second.pk])
    ids["team"], ids["user"] = [team.pk], [admin.pk]
    return Cast(token=token_create(user=admin, scope="admin").secret, ids=ids)


# Which existing objects a path parameter or a body field names.
PATH_IDS = {
    "customer_id": "customer",
    "ticket_id": "ticket",
    "point_id": "point",
    "order_id": "order",
    "message_id": "message",
}
BODY_IDS = {"customer_id": "customer", "team_id": "team", "assignee_id": "user"}


def _steer(case: Any, cast: Cast) -> None:
    """Every other valid case names existing objects instead of random ids (the others keep theirs: 404/422)."""
    if case.meta is None or case.meta.generation.mode.value != "positive" or next(cast.turn) % 2:
        return
    for name, value in list(case.path_parameters.items()):
        if name in PATH_IDS and isinstance(value, int):
            case.path_parameters[name] = cast.real(PATH_IDS[name])
    if isinstance(case.body, dict):
        kinds = {**BODY_IDS, "merged_id": "ticket" if "/tickets/" in case.path else "customer"}
        for name, value in list(case.body.items()):
            if name in kinds and isinstance(value, int):
                case.body[name] = cast.real(kinds[name])
            elif name == "order_ids" and isinstance(value, list):
                case.body[name] = [cast.real("order")]


def _operations() -> list[str]:
    from pelatis.api import api

    return [
        f"{method.upper()} {path}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    ]


@pytest.mark.parametrize("label", _operations())
def test_api_never_answers_500_and_keeps_its_schema(label: str, api_schema: Any, cast: Cast) -> None:
    headers = {"Authorization": f"Bearer {cast.token}"}
    failures: list[str] = []

    def check(case: Any) -> None:
        _steer(case, cast)
        response = case.call(headers=headers)
        STATS[label]["cases"] += 1
        STATS[label][f"{response.status_code // 100}xx"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as exc:
            failures.append(str(exc)[:3000])

    method, path = label.split(" ", 1)
    [result] = get_all_tests(
        schema=api_schema.include(method=method, path=path), test_func=check, settings=None, given_kwargs=None
    )
    assert isinstance(result, Ok), result
    _operation, run = result.ok()
    run()
    assert STATS[label]["cases"] > 0
    assert not failures, f"{len(failures)} failing cases of {STATS[label]['cases']}:\n" + "\n".join(
        failures[:5]
    )


# ---------------------------------------------------------------- what the fuzzer found before, one by one

LISTS = [
    "/api/v1/customers",
    "/api/v1/orders",
    "/api/v1/subscriptions",
    "/api/v1/tickets",
    "/api/v1/feedback/",
    "/api/v1/customers/{customer}/interactions",
]


@pytest.mark.parametrize("path", LISTS)
def test_a_huge_offset_is_a_422_naming_offset(path: str, cast: Cast, api_as: Any) -> None:
    client = ApiClient(cast.token)
    response = client.get(path.format(customer=cast.ids["customer"][0]), offset="99999999999999999999")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "offset"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers/{id}",
        "/api/v1/orders/{id}",
        "/api/v1/tickets/{id}",
        "/api/v1/customers/{id}/contact-points",
        "/api/v1/metrics/customers/{id}",
    ],
)
@pytest.mark.parametrize("value", [2**63, 2**64 + 1, 10**30])
def test_an_id_beyond_64_bits_is_a_422(path: str, value: int, cast: Cast) -> None:
    response = ApiClient(cast.token).get(path.format(id=value))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "path"


def test_an_id_beyond_64_bits_in_a_body_is_a_422_naming_it(cast: Cast) -> None:
    response = ApiClient(cast.token).post(
        "/api/v1/orders",
        {
            "customer_id": 2**63,
            "reference": "X-1",
            "placed_at": "2026-05-01T10:00:00+03:00",
            "lines": [{"name": "Δωμάτιο", "unit_price": "10.00"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "customer_id"


def test_assigning_an_unknown_team_is_a_422_naming_team_id(cast: Cast) -> None:
    ticket_id = cast.ids["ticket"][1]
    response = ApiClient(cast.token).post(
        f"/api/v1/tickets/{ticket_id}/assign", {"assignee_id": None, "team_id": 999_999}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "team_id"], "msg": "No team with id 999999.", "type": "value_error"}
    ]
    assert Ticket.objects.get(pk=ticket_id).team_id is None  # nothing written


@pytest.mark.parametrize("field", ["customer_id", "merged_id"])
def test_a_missing_object_named_in_a_body_is_a_422_naming_it(field: str, cast: Cast) -> None:
    client = ApiClient(cast.token)
    if field == "customer_id":
        response = client.post(
            "/api/v1/tickets", {"customer_id": 999_999, "subject": "Τηλεφώνημα", "body": "Καλή μέρα"}
        )
    else:
        response = client.post(f"/api/v1/customers/{cast.ids['customer'][0]}/merge", {"merged_id": 999_999})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_nul_characters_are_a_422_on_every_database(cast: Cast) -> None:
    response = ApiClient(cast.token).post(
        "/api/v1/customers", {"first_name": "Νίκος\u0000", "last_name": "Β"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "first_name"


def test_an_unparsable_body_is_a_400_in_the_error_shape(cast: Cast) -> None:
    client = ApiClient(cast.token)
    response = client.client.post(
        "/api/v1/customers", "{not json", content_type="application/json", headers=client.headers
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["msg"].startswith("Cannot parse request body")


def test_every_operation_documents_its_error_answers() -> None:
    from pelatis.api import api

    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"401", "403", "422", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert "400" in codes, (method, path)
            for code in codes - {"200", "201", "204"}:
                ref = operation["responses"][int(code)]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, code)


def test_every_integer_and_string_parameter_is_bounded() -> None:
    from pelatis.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]

    def walk(node: Any, where: str) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("type") == "integer" and "maximum" not in node:
                yield f"{where}: integer without a maximum"
            if node.get("type") == "string" and not ({"maxLength", "enum", "format", "pattern"} & set(node)):
                yield f"{where}: string without a bound"
            for key, value in node.items():
                yield from walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{where}[{i}]")

    unbounded = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            unbounded += list(walk(operation.get("parameters", []), f"{method.upper()} {path}"))
    for name, component in components.items():
        if name.endswith(("In", "Params", "Filters")):
            unbounded += list(walk(component, name))
    assert not unbounded, "\n".join(unbounded)


def teardown_module() -> None:
    if not STATS:
        return
    total = collections.Counter[str]()
    for counts in STATS.values():
        total.update(counts)
    for label, counts in sorted(STATS.items()):
        print(f"  {label}: {dict(counts)}")  # noqa: T201
    print(
        f"\nschemathesis: {len(STATS)} operations, {total['cases']} cases, "  # noqa: T201 — the figures asked for
        f"2xx={total['2xx']} 4xx={total['4xx']} 5xx={total['5xx']}"
    )
