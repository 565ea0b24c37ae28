import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reservations.models import ReservationEvent, Status
from tests.factories import HallFactory, ReservationFactory, UserFactory
from tests.queue import run, run_due_tasks
from worker import sweep
from worker.models import Sweep

pytestmark = pytest.mark.django_db
SWEEP = "worker.sweep.sweep"


def sweeps(status=TaskResultStatus.READY):
    return DBTaskResult.objects.filter(task_path=SWEEP, status=status)


def at(hour, minute=0, second=0, days=0):
    today = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(
        datetime.datetime.combine(today, datetime.time(hour, minute, second))
    )


def test_starting_twice_schedules_one_sweep(queue):
    assert sweep.start() is True
    assert sweep.start() is False
    assert sweeps().count() == 1


def test_a_sweep_schedules_its_successor_at_the_next_minute_and_beats_the_heart(queue, clock):
    clock.travel(seconds=0)
    sweep.start()
    run_due_tasks()
    (following,) = sweeps()
    state = Sweep.objects.get()
    assert str(state.task_id) == str(following.pk)
    assert state.swept_at == clock.now
    assert state.worker_id == "test-worker"
    expected = (clock.now + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
    assert following.run_after == expected
    assert sweeps(TaskResultStatus.SUCCESSFUL).count() == 1


def test_a_duplicate_sweep_task_does_nothing_while_the_chain_lives(queue):
    sweep.start()
    duplicate = sweep.sweep.enqueue()
    result = run(DBTaskResult.objects.get(pk=duplicate.id))
    assert result.return_value == sweep.SUPERSEDED
    assert sweeps().count() == 1


def test_a_chain_whose_task_was_stuck_running_is_taken_over(queue, clock):
    sweep.start()
    stuck = sweeps().get()
    stuck.claim("killed-worker")
    assert sweep.start() is False  # it may still be running
    clock.travel(minutes=11)
    assert sweep.start() is True
    run_due_tasks()
    assert sweeps().count() == 1
    assert str(Sweep.objects.get().task_id) != str(stuck.pk)


def test_an_orphan_sweep_takes_over_a_dead_chain(queue):
    sweep.start()
    sweeps().update(status=TaskResultStatus.FAILED)
    orphan = sweep.sweep.enqueue()
    result = run(DBTaskResult.objects.get(pk=orphan.id))
    assert result.return_value != sweep.SUPERSEDED
    assert sweeps().count() == 1


def test_the_sweep_expires_undecided_bookings_at_their_start_once(queue, clock):
    booker = UserFactory(email="booker@example.com")
    pending = ReservationFactory(
        room=HallFactory(),
        booked_by=booker,
        status=Status.PENDING,
        start=at(10, days=1),
        end=at(11, days=1),
    )
    clock.travel(seconds=0)
    sweep.start()
    run_due_tasks()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING

    clock.travel(seconds=(pending.start - clock.now).total_seconds())
    run_due_tasks()
    pending.refresh_from_db()
    assert pending.status == Status.EXPIRED
    assert [m.to for m in mail.outbox] == [["booker@example.com"]]

    clock.travel(minutes=1)
    run_due_tasks()
    assert (
        ReservationEvent.objects.filter(reservation=pending, to_status=Status.EXPIRED).count() == 1
    )
    assert len(mail.outbox) == 1


def test_after_an_hour_without_workers_one_sweep_catches_up(queue, clock):
    hall = HallFactory()
    starts = [at(9, 0, days=1) + datetime.timedelta(minutes=m) for m in range(0, 60, 15)]
    for start in starts:
        ReservationFactory(
            room=hall,
            status=Status.PENDING,
            start=start,
            end=start + datetime.timedelta(minutes=15),
        )
    clock.travel(seconds=(starts[0] - clock.now).total_seconds() - 120)
    sweep.start()
    run_due_tasks()
    daily_runs = []
    sweep.STEPS["test.daily"] = sweep.Step(
        name="test.daily",
        run=daily_runs.append,
        every=datetime.timedelta(days=1),
        at=datetime.timedelta(hours=9, minutes=30),
    )
    try:
        clock.travel(hours=1)  # the workers were down; the chain's next sweep is an hour late
        ran = run_due_tasks()
    finally:
        del sweep.STEPS["test.daily"]
    assert [r.task_path for r in ran if r.task_path == SWEEP] == [SWEEP]
    assert ran[0].task_path == SWEEP  # due timed work before the mail backlog
    assert {r.status for r in ran} == {TaskResultStatus.SUCCESSFUL}
    assert all(r.status == Status.EXPIRED for r in hall.reservations.all())
    assert len(mail.outbox) == len(starts)
    assert daily_runs == [clock.now]
    assert sweeps().count() == 1


def test_a_failing_step_does_not_stop_the_others_or_the_chain(queue):
    ran = []
    sweep.STEPS["test.broken"] = sweep.Step(
        name="test.broken", run=lambda now: 1 / 0, every=sweep.MINUTE, at=datetime.timedelta(0)
    )
    sweep.STEPS["test.after"] = sweep.Step(
        name="test.after", run=ran.append, every=sweep.MINUTE, at=datetime.timedelta(0)
    )
    try:
        sweep.start()
        (result,) = [done for done in run_due_tasks() if done.task_path == "worker.sweep.sweep"]
    finally:
        del sweep.STEPS["test.broken"], sweep.STEPS["test.after"]
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["test.broken"] == "failed"
    assert len(ran) == 1
    assert sweeps().count() == 1


@pytest.mark.parametrize(
    ("previous", "now", "due"),
    [
        (None, (3, 0), True),
        ((2, 59), (3, 0), True),
        ((3, 0), (3, 1), False),
        ((2, 0), (4, 0), True),
        ((3, 1), (2, 59, 1), False),
        ((3, 1), (3, 0, 1), True),
    ],
)
def test_a_daily_step_is_due_in_the_first_sweep_after_its_time(previous, now, due):
    daily = sweep.Step("d", print, datetime.timedelta(days=1), datetime.timedelta(hours=3))

    def moment(spec):
        hour, minute, *days = spec
        return at(hour, minute, days=days[0] if days else 0)

    assert daily.is_due(previous and moment(previous), moment(now)) is due


def test_every_registered_step_is_a_module_level_function():
    assert "reservations.tasks.lapse_undecided" in sweep.STEPS
    assert "reservations.tasks.erase_personal_data" in sweep.STEPS
    assert "worker.tasks.rescue_stranded_email" in sweep.STEPS


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_workers_starting_together_start_one_chain(queue):
    barrier = threading.Barrier(4)
    started = []

    def start():
        try:
            barrier.wait()
            started.append(sweep.start())
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(started) == [False, False, False, True]
    assert sweeps().count() == 1
