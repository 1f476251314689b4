"""Stops calling an SMS provider that keeps failing, and probes it again after a pause."""

import time

from shared.config import setting

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    """closed -> open after `failures_to_open` consecutive failures; open -> half_open after `reset_seconds`.

    Half-open lets one trial call through: its success closes the circuit, its failure opens it
    again with a fresh timer. Record transient and unknown outcomes as failures. No await points
    inside, so greenlets sharing one breaker cannot interleave in it.
    """

    def __init__(self, failures_to_open: int, reset_seconds: float, monotonic=time.monotonic):
        if failures_to_open < 1:
            raise ValueError("failures_to_open must be at least 1")
        if reset_seconds < 0:
            raise ValueError("reset_seconds cannot be negative")
        self.failures_to_open = failures_to_open
        self.reset_seconds = reset_seconds
        self._monotonic = monotonic
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_started_at: float | None = None

    @classmethod
    def from_config(cls, config=None, monotonic=time.monotonic) -> "CircuitBreaker":
        return cls(
            failures_to_open=int(setting("SMS_CIRCUIT_FAILURES", config)),
            reset_seconds=float(setting("SMS_CIRCUIT_RESET_SECONDS", config)),
            monotonic=monotonic,
        )

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return CLOSED
        if self._monotonic() - self._opened_at < self.reset_seconds:
            return OPEN
        return HALF_OPEN

    def allow(self) -> bool:
        """Whether a call may go to the provider now; in half-open, True for the trial call only."""
        state = self.state
        if state == CLOSED:
            return True
        if state == OPEN:
            return False
        now = self._monotonic()
        # A trial whose outcome never got recorded must not keep the circuit shut for good.
        if self._trial_started_at is not None and now - self._trial_started_at < self.reset_seconds:
            return False
        self._trial_started_at = now
        return True

    def record_success(self) -> None:
        if self.state == OPEN:
            return  # a call from before the circuit opened says nothing about the provider now
        self._failures = 0
        self._opened_at = None
        self._trial_started_at = None

    def record_failure(self) -> None:
        state = self.state
        if state == OPEN:
            return
        if state == HALF_OPEN:
            self._open()
            return
        self._failures += 1
        if self._failures >= self.failures_to_open:
            self._open()

    def _open(self) -> None:
        self._opened_at = self._monotonic()
        self._trial_started_at = None
        self._failures = 0
