import json

from django.core.management.base import BaseCommand, CommandError

from worker import queue


class Command(BaseCommand):
    help = (
        "Print the queue's figures (due tasks, the oldest one's wait, the workers' heartbeat) "
        "as JSON; exit with status 1 when the workers are not keeping up."
    )

    def handle(self, *args, **options):
        figures = queue.watch()
        problems = queue.problems(figures)
        self.stdout.write(json.dumps({**figures, "problems": problems}))
        if problems:
            raise CommandError("; ".join(problems))
