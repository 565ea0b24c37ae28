from django_tasks_db.management.commands import db_worker

from worker import sweep


class Command(db_worker.Command):
    help = (
        "Run the task queue (django-tasks-db's db_worker), after starting the minute sweep "
        "unless a live one is scheduled. Run several at once to share the work."
    )

    def handle(self, *args, **options):
        sweep.start()
        super().handle(*args, **options)
