"""An ordered webhook router (gidgethub's ``Router``, typed, and a list instead of a frozenset).

A route names an event, the actions it handles, the lenient payload model it reads and an optional
predicate on that model. The web process asks :meth:`EventRouter.match` whether a delivery would be
handled (an unhandled one is acknowledged and never queued); the worker calls
:meth:`EventRouter.dispatch`, which runs the matching handlers in registration order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

C = TypeVar("C")  # what handlers act through (the review actions)
M = TypeVar("M", bound=BaseModel)

Handler = Callable[[C, M], Awaitable[None]]


class UnreadablePayloadError(ValueError):
    """A delivery's event/action is ours, but its payload lacks a field we need."""


@dataclass(frozen=True, slots=True)
class Route(Generic[C, M]):
    event: str
    actions: frozenset[str]  # empty: every action
    model: type[M]
    handler: Handler[C, M]
    when: Callable[[M], bool] | None = None

    def wants(self, event: str, action: str | None) -> bool:
        return event == self.event and (not self.actions or action in self.actions)

    def read(self, payload: Mapping[str, Any]) -> M | None:
        """The payload as this route's model when the predicate holds, else None."""
        try:
            model = self.model.model_validate(payload)
        except ValidationError as error:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in error.errors(include_input=False)[:3])
            raise UnreadablePayloadError(f"{self.event} payload lacks or mistypes: {fields}") from None
        return model if self.when is None or self.when(model) else None


@dataclass(frozen=True, slots=True)
class Match(Generic[C, M]):
    route: Route[C, M]
    model: M

    async def run(self, actions: C) -> None:
        await self.route.handler(actions, self.model)


class EventRouter(Generic[C]):
    """Routes in registration order; one delivery may match several."""

    def __init__(self) -> None:
        self._routes: list[Route[C, Any]] = []

    def register(
        self, event: str, *actions: str, model: type[M], when: Callable[[M], bool] | None = None
    ) -> Callable[[Handler[C, M]], Handler[C, M]]:
        def decorate(handler: Handler[C, M]) -> Handler[C, M]:
            self._routes.append(Route(event, frozenset(actions), model, handler, when))
            return handler

        return decorate

    @property
    def routes(self) -> tuple[Route[C, Any], ...]:
        return tuple(self._routes)

    def match(self, event: str, payload: Mapping[str, Any]) -> list[Match[C, Any]]:
        """The routes that handle this delivery, with its payload read. Raises UnreadablePayloadError."""
        action = payload.get("action")
        action = action if isinstance(action, str) else None
        matches: list[Match[C, Any]] = []
        for route in self._routes:
            if route.wants(event, action) and (model := route.read(payload)) is not None:
                matches.append(Match(route, model))
        return matches

    async def dispatch(self, event: str, payload: Mapping[str, Any], actions: C) -> int:
        """Run every matching handler in order; returns how many ran."""
        matches = self.match(event, payload)
        for found in matches:
            await found.run(actions)
        return len(matches)
