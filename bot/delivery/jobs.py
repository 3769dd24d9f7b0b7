"""The job worker: slow work handlers deferred (``bot.delivery.deferred``), run outside any
transaction, its result queued in the outbox once.

Every process runs a worker; leases make that safe, in the style of the inbox
(``bot.delivery.intake``): a worker *claims* due jobs with a lease (owner ``host:pid:random``,
expiry), on PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED``, on SQLite (one writer) with a
conditional UPDATE, and renews the lease while the job runs. The slow function runs outside any
transaction, so the inbox, the WeCom callback, the sender and the scheduler go on meanwhile
(on SQLite they share one connection). Then one short transaction re-checks the lease, queues
the result under keys derived from the job (``job:17:0``) and marks the job done: a worker
whose lease was taken over queues nothing, and a rerun after a crash never sends twice.

A job that fails is tried again with back-off; after the last attempt the person who asked is
told in one sentence. A refusal (the month was never dispatched) is the answer, not a failure.
The attempt is counted when the job is claimed, so a job that kills its process (out of memory)
counts too: once its last lease expires the next pass gives it up and tells the person, once (a
conditional UPDATE decides who tells). A runner has a time limit per kind (:data:`TIMEOUTS`):
past it, it is cancelled and the attempt fails; its lease is renewed only until that limit, so a
runner that does not even stop when cancelled loses the job to another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from bot.conversation.context import Deps
from bot.delivery.deferred import Asker, JobContext, JobRunner
from bot.delivery.outbox import enqueue, on_postgres
from bot.domain.conversation import Outbound
from bot.domain.errors import RefusedError
from bot.i18n import Translator
from bot.oversight.jobs import JOBS as OVERSIGHT_JOBS
from bot.storage.locks import lease_owner
from bot.storage.models import DeferredJob

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 4
BACKOFF_FIRST = timedelta(seconds=10)  # then 20 s, 40 s
LEASE = timedelta(seconds=60)  # renewed every third of it while the job runs
TIMEOUT = timedelta(minutes=5)  # a runner's time limit, unless its kind has its own
TIMEOUTS = {"export": timedelta(minutes=10)}  # building a large workbook or picture


def wall_clock() -> datetime:
    """Real time, for leases and back-off (the business clock may be simulated)."""
    return datetime.now(UTC)


def runners() -> dict[str, JobRunner]:
    """Every feature's job runners, by kind."""
    return dict(OVERSIGHT_JOBS)


class LeaseLostError(Exception):
    """Another worker took the job over: this one must not queue its result."""


class JobTimeoutError(Exception):
    """A runner did not finish within its kind's time limit (it was cancelled)."""


class JobWorker:
    """Claims deferred jobs, runs them, queues their results."""

    def __init__(
        self,
        deps: Deps,
        *,
        kinds: Mapping[str, JobRunner] | None = None,
        lease: timedelta = LEASE,
        lease_clock: Callable[[], datetime] = wall_clock,
        concurrency: int = 2,  # jobs run (and leased) at once
        outbox_wakeup: asyncio.Event | None = None,
        timeouts: Mapping[str, timedelta] | None = None,  # by kind, over TIMEOUTS
    ) -> None:
        self.deps = deps
        self.kinds = dict(kinds) if kinds is not None else runners()
        self.lease = lease
        self.lease_clock = lease_clock
        self.owner = lease_owner()
        self.concurrency = max(1, concurrency)
        self.wakeup = asyncio.Event()
        self.outbox_wakeup = outbox_wakeup or asyncio.Event()
        self.timeouts = {**TIMEOUTS, **(timeouts or {})}

    # -- claiming ---------------------------------------------------------------------------

    async def claim(self, limit: int = 1) -> list[DeferredJob]:
        """Lease up to ``limit`` due jobs: unleased or lease expired, oldest first, attempts
        left; the attempt is counted here."""
        now = self.lease_clock()
        free = Q(lease_until=None) | Q(lease_until__lt=now)
        due = Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
        query = DeferredJob.filter(state="pending", attempts__lt=MAX_ATTEMPTS)
        query = query.filter(free).filter(due).order_by("id").limit(limit)
        until = now + self.lease
        leased = {"lease_owner": self.owner, "lease_until": until, "attempts": F("attempts") + 1}
        if on_postgres():
            async with in_transaction():
                rows = list(await query.select_for_update(skip_locked=True))
                ids = [r.id for r in rows]
                if ids:
                    await DeferredJob.filter(id__in=ids).update(**leased)
        else:  # one writer: the conditional UPDATE is the claim
            rows = list(await query)
            ids = [r.id for r in rows]
            if ids:
                await (
                    DeferredJob.filter(id__in=ids, state="pending", attempts__lt=MAX_ATTEMPTS)
                    .filter(free)
                    .update(**leased)
                )
                mine: set[Any] = set(
                    await DeferredJob.filter(
                        id__in=ids, lease_owner=self.owner, lease_until=until
                    ).values_list("id", flat=True)
                )
                rows = [r for r in rows if r.id in mine]
        for row in rows:
            row.lease_owner, row.lease_until = self.owner, until
            row.attempts += 1
        return rows

    async def _renew(self, job: DeferredJob, done: asyncio.Event, until: datetime) -> None:
        """Extend the lease every third of it until ``done`` (a long export keeps its job), but
        not past ``until`` (the runner's time limit): a runner that hangs loses its lease."""
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self.lease.total_seconds() / 3)
            if done.is_set():
                return
            if self.lease_clock() >= until:
                log.warning("job %s outlived its time limit: its lease is left to expire", job.id)
                return
            try:
                await DeferredJob.filter(id=job.id, lease_owner=self.owner).update(
                    lease_until=self.lease_clock() + self.lease
                )
            except Exception:  # the database is away: the next renewal tries again
                log.warning("renewing the lease of job %s failed", job.id, exc_info=True)

    # -- running ----------------------------------------------------------------------------

    async def process_pending(self, limit: int = 100) -> int:
        """Run due jobs until none is left (or ``limit``); how many finished."""
        done = tried = 0
        gate = asyncio.Semaphore(self.concurrency)

        async def one(job: DeferredJob) -> int:
            async with gate:
                return await self.run_one(job)

        await self.give_up_exhausted()
        while tried < limit:  # a failed job waits its back-off: it is not claimed again here
            jobs = await self.claim(min(self.concurrency, limit - tried))
            if not jobs:
                break
            tried += len(jobs)
            done += sum(await asyncio.gather(*(one(job) for job in jobs)))
        return done

    def _runner(self, kind: str) -> JobRunner:
        runner = self.kinds.get(kind)
        if runner is None:  # queued by a newer version of Duban: it fails like any job
            raise LookupError(f"no runner for jobs of kind {kind!r}")
        return runner

    def _asker(self, job: DeferredJob) -> Asker:
        return Asker(job.identity, job.chat, job.locale)

    async def run_one(self, job: DeferredJob) -> int:
        """Run a job this worker claimed; 1 when its result was queued (0: failed, or taken
        over by another worker meanwhile)."""
        asker = self._asker(job)
        context = JobContext(
            job.id, asker, self.deps.data_dir, self.deps.timezone, self.deps.clock()
        )
        limit = self.timeouts.get(job.kind, TIMEOUT)
        finished = asyncio.Event()
        renewing = asyncio.create_task(self._renew(job, finished, self.lease_clock() + limit))
        bound = asyncio.timeout(limit.total_seconds())
        try:
            async with bound:
                results = await self._runner(job.kind)(dict(job.args), context)  # no transaction
        except RefusedError as refused:
            tr = Translator(asker.locale)
            results = [Outbound(text=tr.render(refused.message), locale=tr.locale)]
        except Exception as exc:
            if not bound.expired():
                log.exception("job %s (%s) failed", job.id, job.kind)
                return await self._failed(job, exc)
            log.warning("job %s (%s) was cancelled after %s", job.id, job.kind, limit)
            return await self._failed(job, JobTimeoutError(f"not finished within {limit}"))
        finally:
            finished.set()
            await renewing
        try:
            await self._complete(job, results)
        except LeaseLostError:
            log.info("job %s was taken over by another worker", job.id)
            return 0
        self.outbox_wakeup.set()
        return 1

    async def _complete(self, job: DeferredJob, results: list[Outbound]) -> None:
        """In one short transaction: re-check the lease, queue the results, mark it done."""
        now = self.deps.clock()
        async with in_transaction():
            won = await DeferredJob.filter(
                id=job.id, lease_owner=self.owner, state="pending"
            ).update(state="done", finished_at=now, lease_owner=None, lease_until=None)
            if not won:
                raise LeaseLostError
            for i, outbound in enumerate(results):
                recipient = outbound.recipient or job.chat
                await enqueue(f"job:{job.id}:{i}", recipient, outbound, now=now)

    async def _failed(self, job: DeferredJob, exc: Exception) -> int:
        """Try again after a back-off, or give up and tell the person in one sentence."""
        attempts = job.attempts  # counted when it was claimed
        error = repr(exc)[:2000]
        mine = DeferredJob.filter(id=job.id, lease_owner=self.owner, state="pending")
        if attempts < MAX_ATTEMPTS:
            retry_at = self.lease_clock() + BACKOFF_FIRST * 2 ** (attempts - 1)
            await mine.update(
                error=error, next_attempt_at=retry_at, lease_owner=None, lease_until=None
            )
            return 0
        await self._give_up(job, mine, error)
        return 0

    async def give_up_exhausted(self) -> int:
        """Give up the jobs whose last attempt's lease expired (their process died or hung),
        telling each person once; how many."""
        free = Q(lease_until=None) | Q(lease_until__lt=self.lease_clock())
        spent = {"state": "pending", "attempts__gte": MAX_ATTEMPTS}
        told = 0
        for job in await DeferredJob.filter(**spent).filter(free):
            error = f"attempt {job.attempts} never finished (lease expired); before: {job.error}"
            told += await self._give_up(
                job, DeferredJob.filter(id=job.id, **spent).filter(free), error[:2000]
            )
        return told

    async def _give_up(self, job: DeferredJob, mine: QuerySet[DeferredJob], error: str) -> int:
        """Mark ``job`` failed where ``mine`` still selects it, and only then apologise."""
        tr = Translator(job.locale)
        sorry = Outbound(
            text=tr.gettext(
                "Sorry, /{command} could not be finished; please try again later.",
                command=job.kind,
            ),
            locale=tr.locale,
        )
        now = self.deps.clock()
        async with in_transaction():
            won = await mine.update(
                state="failed", error=error, finished_at=now, lease_owner=None, lease_until=None
            )
            if won:
                await enqueue(f"job:{job.id}:failed", job.chat, sorry, now=now)
        self.outbox_wakeup.set()
        return 1 if won else 0

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Run jobs as they come until ``stop`` is set (expired leases are taken over by the
        first pass after they expire)."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                finished = await self.process_pending()
            except Exception:
                log.exception("job pass failed; retrying")
                finished = 0
            if finished:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout=idle)
