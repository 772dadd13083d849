"""Stripe at its HTTP boundary, for the checkout's tests.

localstripe (a stateful fake Stripe server from PyPI) serves what it covers: payment methods,
PaymentIntents, charges and refunds. It has no Checkout Sessions, so a small endpoint on
loopback serves ``/v1/checkout/sessions`` the way Stripe answers them and passes every other
``/v1/`` request through to localstripe. Completing a session pays a real PaymentIntent in
localstripe, so refunds later are localstripe's own. Events are signed with the Stripe
library's own scheme (the ``Stripe-Signature`` header, ``t=…,v1=…``).
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import stripe

SECRET_KEY = "sk_test_mend_checkout"
WEBHOOK_SECRET = "whsec_mend_checkout_tests"
SESSION_PATH = re.compile(r"^/v1/checkout/sessions(?:/(?P<id>cs_test_\w+)(?P<expire>/expire)?)?$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {seconds} s")


def unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``line_items[0][price_data][unit_amount]=4900``) as nested
    dicts; list indexes stay dict keys ("0", "1")."""
    tree: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def signed(
    event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, at: int | None = None
) -> tuple[bytes, str]:
    """The event's body and its Stripe-Signature header."""
    payload = json.dumps(event)
    timestamp = int(time.time()) if at is None else at
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return payload.encode(), f"t={timestamp},v1={signature}"


def event(kind: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "api_version": "2025-01-27",
        "data": {"object": obj},
    }


@dataclass
class Checkout:
    """The Checkout endpoint: the sessions it made and every request it was sent."""

    localstripe: str
    url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    created_with: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(SECRET_KEY, base_addresses={"api": self.localstripe})

    def create(self, params: dict[str, Any]) -> dict[str, Any]:
        session_id = f"cs_test_{secrets.token_hex(12)}"
        items = params.get("line_items", {}).values()
        amount = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
        currencies = {
            item["price_data"]["currency"] for item in params.get("line_items", {}).values()
        }
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": currencies.pop() if len(currencies) == 1 else None,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"{self.url}/pay/{session_id}",
        }
        with self.lock:
            self.sessions[session_id] = session
            self.created_with[session_id] = params
        return session

    def only_session(self) -> dict[str, Any]:
        assert len(self.sessions) == 1, self.sessions
        return next(iter(self.sessions.values()))

    def complete(self, session_id: str, *, event_id: str | None = None) -> tuple[bytes, str]:
        """The buyer pays: a real PaymentIntent confirmed in localstripe, and the signed
        ``checkout.session.completed`` event Stripe would send."""
        session = self.sessions[session_id]
        params = self.created_with[session_id]
        client = self.client()
        card = client.v1.payment_methods.create(
            {
                "type": "card",
                "card": {
                    "number": "4242424242424242",
                    "exp_month": 12,
                    "exp_year": 2030,
                    "cvc": "123",
                },
            }
        )
        intent = client.v1.payment_intents.create(
            {
                "amount": session["amount_total"],
                "currency": session["currency"],
                "payment_method": card.id,
                "confirm": True,
                "metadata": params.get("payment_intent_data", {}).get("metadata", {}),
            }
        )
        assert intent.status == "succeeded"
        session.update(status="complete", payment_status="paid", payment_intent=intent.id)
        return signed(event("checkout.session.completed", dict(session), event_id=event_id))

    def expire(self, session_id: str) -> tuple[bytes, str]:
        session = self.sessions[session_id]
        session.update(status="expired")
        return signed(event("checkout.session.expired", dict(session)))

    def refund(self, payment_intent: str, *, amount: int | None = None) -> tuple[bytes, str]:
        """A refund made in localstripe, and the signed ``charge.refunded`` event for it
        (localstripe sends no refund events itself)."""
        client = self.client()
        params: dict[str, Any] = {"payment_intent": payment_intent}
        if amount is not None:
            params["amount"] = amount
        refund = client.v1.refunds.create(params)  # type: ignore[arg-type]
        charge = client.v1.charges.retrieve(refund.charge).to_dict()  # type: ignore[arg-type]
        return signed(event("charge.refunded", charge))


class _Handler(BaseHTTPRequestHandler):
    checkout: Checkout

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(
        self, status: int, body: dict[str, Any] | bytes, content_type: str = "application/json"
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self, method: str) -> None:
        body = self._body()
        path = self.path.split("?")[0]
        headers = {name: value for name, value in self.headers.items()}
        self.checkout.requests.append((method, path, headers))
        match = SESSION_PATH.match(path)
        if match is None:
            return self._proxy(method, body)
        if not headers.get("Authorization", "").endswith(SECRET_KEY):
            return self._answer(
                401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}}
            )
        session_id = match["id"]
        if session_id is None and method == "POST":
            params = unflatten(parse_qsl(body.decode(), keep_blank_values=True))
            return self._answer(200, self.checkout.create(params))
        session = self.checkout.sessions.get(session_id or "")
        if session is None:
            return self._answer(
                404,
                {"error": {"type": "invalid_request_error", "message": "No such checkout.session"}},
            )
        if match["expire"] and method == "POST":
            session["status"] = "expired"
        return self._answer(200, session)

    def _proxy(self, method: str, body: bytes) -> None:
        target = self.checkout.localstripe + self.path  # always http://127.0.0.1:…
        request = urllib.request.Request(target, data=body or None, method=method)  # noqa: S310
        for name in ("Authorization", "Content-Type", "Idempotency-Key", "Stripe-Version"):
            if self.headers.get(name):
                request.add_header(name, self.headers[name])
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                self._answer(
                    response.status, response.read(), response.headers.get("Content-Type", "")
                )
        except urllib.error.HTTPError as error:
            self._answer(error.code, error.read(), error.headers.get("Content-Type", ""))

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")


def serve(localstripe: str) -> Iterator[Checkout]:
    checkout = Checkout(localstripe=localstripe)
    handler = type("CheckoutHandler", (_Handler,), {"checkout": checkout})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    checkout.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield checkout
    finally:
        server.shutdown()
        server.server_close()
