"""The micro-cache in front of the web app, on a tiny ASGI app that counts its calls."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from newsdesk.web.cache import MicroCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(clock: Clock, **options: object) -> tuple[httpx.AsyncClient, dict[str, int]]:
    calls: dict[str, int] = {}

    async def page(request: Request) -> Response:
        path = request.url.path
        calls[path] = calls.get(path, 0) + 1
        status = 404 if path == "/missing" else 200
        body = "x" * 5000 if path == "/big" else f"{path} #{calls[path]} {request.url.query}"
        return PlainTextResponse(body, status_code=status)

    routes = [Route(p, page, methods=["GET", "POST"]) for p in ("/", "/status", "/missing", "/big")]
    settings: dict[str, object] = {"ttl": 5.0, "max_body": 1000, **options}
    app = MicroCache(Starlette(routes=routes), clock=clock, **settings)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://test"), calls


async def test_a_repeated_get_is_answered_from_memory_until_it_expires() -> None:
    clock = Clock()
    client, calls = make(clock)
    async with client:
        first = await client.get("/")
        again = await client.get("/")
        assert again.text == first.text == "/ #1 " and calls["/"] == 1
        assert again.headers["x-cache"] == "hit" and "x-cache" not in first.headers
        assert (await client.get("/?page=2")).text == "/ #2 page=2"  # the query is the key
        clock.now += 5.1
        assert (await client.get("/")).text == "/ #3 "


async def test_what_is_never_cached() -> None:
    clock = Clock()
    client, calls = make(clock)
    async with client:
        for _ in range(2):
            await client.get("/status")  # the operator's page stays live
            await client.get("/missing")  # errors
            await client.get("/big")  # over max_body
            await client.post("/")  # not a GET
            await client.get("/", headers={"cookie": "a=b"})  # someone's own answer
            await client.get("/", headers={"if-none-match": '"x"'})  # the app's 304 path
        assert calls == {"/status": 2, "/missing": 2, "/big": 2, "/": 6}
        assert len((await client.get("/big")).text) == 5000  # the body is passed on whole


async def test_entries_are_bounded() -> None:
    clock = Clock()
    client, calls = make(clock, max_entries=2)
    async with client:
        for query in ("a", "b", "c", "a"):
            await client.get(f"/?{query}")
        assert calls["/"] == 4  # "a" was pushed out by "c"


async def test_ttl_zero_turns_it_off() -> None:
    clock = Clock()
    client, calls = make(clock, ttl=0)
    async with client:
        await client.get("/")
        await client.get("/")
    assert calls["/"] == 2
