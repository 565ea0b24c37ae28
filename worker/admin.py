"""Superusers see every outgoing e-mail (failed ones first to hand) and the queue's tasks."""

import json

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from worker import outbox
from worker.models import Email, QueuedTask

# django-tasks-db's own admin is in English only; QueuedTaskAdmin below replaces it.
admin.site.unregister(DBTaskResult)


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Personal data and operations: superusers only, and read-only."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Email)
class EmailAdmin(SuperuserOnlyAdmin):
    list_display = ["created_at", "subject", "recipient_list", "status", "attempts", "last_error"]
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "subject",
        "from_email",
        "recipient_list",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "attachment_names",
        "body",
    ]
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("e-mail", "to"))
    def recipient_list(self, email):
        return ", ".join(email.recipients)

    @admin.display(description=_("attachments"))
    def attachment_names(self, email):
        return ", ".join(name for name, _content, _mimetype in email.attachments) or "-"

    @admin.action(description=_("Send the selected e-mails again now"))
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued to be sent again.",
                "%(count)d e-mails queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_change_permission(self, request, obj=None):
        # Actions need it; every field stays read-only.
        return request.user.is_active and request.user.is_superuser


# django-tasks-db's labels are English only; the task list speaks the portal's languages.
TASK_STATUSES = {
    TaskResultStatus.READY: _("Waiting"),
    TaskResultStatus.RUNNING: _("Running"),
    TaskResultStatus.SUCCESSFUL: _("Done"),
    TaskResultStatus.FAILED: _("Failed"),
}


class TaskStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(TASK_STATUSES.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(QueuedTask)
class QueuedTaskAdmin(SuperuserOnlyAdmin):
    list_display = ["task", "state", "queued", "due", "started", "finished"]
    list_filter = [TaskStatusFilter]
    ordering = ["-enqueued_at"]
    fields = [
        "task",
        "state",
        "arguments",
        "queued",
        "due",
        "started",
        "finished",
        "attempts",
        "result",
        "error",
    ]
    readonly_fields = fields

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, result):
        return result.task_path

    @admin.display(description=_("status"), ordering="status")
    def state(self, result):
        return TASK_STATUSES.get(result.status, result.status)

    @admin.display(description=_("arguments"))
    def arguments(self, result):
        return json.dumps(result.args_kwargs, ensure_ascii=False)

    @admin.display(description=_("queued at"), ordering="enqueued_at")
    def queued(self, result):
        return result.enqueued_at

    @admin.display(description=_("due at"), ordering="run_after")
    def due(self, result):
        return "-" if result.run_after == get_date_max() else result.run_after

    @admin.display(description=_("started at"), ordering="started_at")
    def started(self, result):
        return result.started_at

    @admin.display(description=_("finished at"), ordering="finished_at")
    def finished(self, result):
        return result.finished_at

    @admin.display(description=_("attempts"))
    def attempts(self, result):
        return len(result.worker_ids)

    @admin.display(description=_("result"))
    def result(self, result):
        return json.dumps(result.return_value, ensure_ascii=False)

    @admin.display(description=_("error"))
    def error(self, result):
        return format_html("<pre>{}</pre>", result.traceback) if result.traceback else "-"
