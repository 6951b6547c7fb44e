"""Live push: Server-Sent Events at ``/api/v1/events``, one event per ledger event.

The desk appends a ``cycle`` event per cycle and a ``called``/``retracted`` event per call; other
callers' calls arrive the same way. Each SSE event's id is the ledger's ``seq``, so a client that
reconnects with ``Last-Event-ID`` (or ``?after=SEQ``) gets every event after it from the ledger,
then the live ones: it misses nothing and sees nothing twice.

One ``Broadcaster`` task tails the ledger (every ``POLL_SECONDS``, at once when a cycle is
published or the app writes) and puts each encoded event on every subscriber's queue. A client
too slow to drain ``QUEUE_SIZE`` events is dropped; its browser reconnects and catches up.

With a desk in this process, a ``cycle`` event is held back until the desk has published that
cycle (``ApiState.publish``), so a client that refetches ``/races`` on the event sees it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

from racedesk.api.state import ApiState
from racedesk.store.ledger import Event

POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
QUEUE_SIZE = 2_000
HOLD_SECONDS = 2.0  # the longest a cycle event waits for its cycle to be published
RETRY_MS = 2_000

Message = tuple[int, bytes] | None  # (seq, encoded event); None closes the stream


def encode(event: Event) -> bytes:
    data = {
        "seq": event.seq,
        "kind": event.kind,
        "race": event.race,
        "actor": event.actor,
        "at": event.at.isoformat(),
        "payload": dict(event.payload),
    }
    text = json.dumps(data, separators=(",", ":"))
    return f"id: {event.seq}\nevent: {event.kind}\ndata: {text}\n\n".encode()


class Broadcaster:
    """Tails the ledger and fans each new event out to every subscriber."""

    def __init__(self, state: ApiState) -> None:
        self.state = state
        self.last_seq = 0
        self.subscribers: set[asyncio.Queue[Message]] = set()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._held_since: float | None = None
        state.on_change(self._poke)

    async def start(self) -> None:
        if self._task is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.last_seq = await self.state.call(lambda reader: reader.sync())
        self._task = asyncio.create_task(self._run(self._wake), name="racedesk-broadcaster")

    async def stop(self) -> None:
        for queue in list(self.subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def finish(self, timeout: float = 5.0) -> None:
        """From another thread: send what the ledger still holds, then end every stream."""
        loop = self._loop
        if loop is None or loop.is_closed() or self._task is None:
            return

        async def flush() -> None:
            await self._deliver()
            for queue in list(self.subscribers):
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(None)

        asyncio.run_coroutine_threadsafe(flush(), loop).result(timeout)

    def _poke(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    def subscribe(self) -> asyncio.Queue[Message]:
        queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Message]) -> None:
        self.subscribers.discard(queue)

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), POLL_SECONDS)
            wake.clear()
            await self._deliver()

    async def _deliver(self) -> None:
        events = await self.state.call(lambda reader: reader.events_after(self.last_seq))
        for event in events:
            if self._hold(event):
                break
            self.last_seq = event.seq
            self._send((event.seq, encode(event)))

    def _hold(self, event: Event) -> bool:
        """Hold a live desk's cycle event until that cycle is published (at most HOLD_SECONDS)."""
        if not self.state.live or event.kind != "cycle":
            self._held_since = None
            return False
        cycle = self.state.cycle
        wanted = event.payload.get("cycle")
        if cycle is not None and isinstance(wanted, int) and cycle.number >= wanted:
            self._held_since = None
            return False
        now = time.monotonic()
        if self._held_since is None:
            self._held_since = now
        if now - self._held_since > HOLD_SECONDS:
            self._held_since = None
            return False
        return True

    def _send(self, message: Message) -> None:
        for queue in list(self.subscribers):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                self.subscribers.discard(queue)  # too slow: it reconnects and replays


async def event_stream(broadcaster: Broadcaster, after: int | None) -> AsyncIterator[bytes]:
    """One client's stream: the ledger after ``after`` (if given), then live events."""
    await broadcaster.start()
    queue = broadcaster.subscribe()
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        sent = broadcaster.last_seq if after is None else after
        if after is not None and after < broadcaster.last_seq:
            upto = broadcaster.last_seq
            backlog = await broadcaster.state.call(lambda reader: reader.events_after(after))
            for event in backlog:
                if event.seq > upto:
                    break
                sent = event.seq
                yield encode(event)
        while True:
            try:
                message = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield b": keepalive\n\n"
                continue
            if message is None:
                return
            seq, data = message
            if seq > sent:
                sent = seq
                yield data
    finally:
        broadcaster.unsubscribe(queue)


def parse_after(last_event_id: str | None, after: int | None) -> int | None:
    """The seq to resume after: ``Last-Event-ID`` (a browser reconnecting) wins over ``after``."""
    if last_event_id:
        with contextlib.suppress(ValueError):
            return max(0, int(last_event_id.strip()))
    return after
