"""Channel plumbing: mailboxes polled over IMAP, and mail that could not be taken in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """An IMAP mailbox Pelatis polls; its password comes from the environment, never the database."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True)
    username = models.CharField(max_length=200)
    password_env = models.CharField(
        _("password variable"),
        max_length=80,
        help_text=_("Name of the environment variable holding the password"),
    )
    folder = models.CharField(max_length=100, default="INBOX")
    team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name


class QuarantinedMail(models.Model):
    """Mail that could not be turned into a ticket: kept with the reason, never dropped."""

    raw = models.BinaryField()
    reason = models.CharField(max_length=300)
    received_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantined emails")

    def __str__(self) -> str:
        return self.reason


class JobRun(models.Model):
    """One periodic job (or one named piece of background work): when it is due next and who runs it now.

    A worker runs a job only after claiming its row with one conditional UPDATE, so however many workers
    run, each due time is run once; a claim that outlives its lease (the worker died) can be taken over.
    """

    name = models.CharField(max_length=120, unique=True)
    next_due_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class WorkerProcess(models.Model):
    """A running `pelatis worker`: it says it is alive every few seconds, so the work a dead one held
    (task rows left running, emails left sending) is taken back."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker process")
        verbose_name_plural = _("worker processes")

    def __str__(self) -> str:
        return self.worker_id


class OutboxMessage(models.Model):
    """An email kept in the in-app outbox because no mail server is configured (no PELATIS_EMAIL_HOST).

    It counts as sent: staff read it here as the customer would have received it, with its headers.
    """

    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    from_email = models.CharField(max_length=254, blank=True)
    to = models.JSONField(default=list, blank=True)  # every recipient (To, Cc and Bcc)
    subject = models.CharField(max_length=300, blank=True)
    headers = models.JSONField(default=list, blank=True)  # [[name, value], ...] decoded, in order
    raw = models.BinaryField()  # the RFC 822 message, as it would have gone to the mail server
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")

    def __str__(self) -> str:
        return self.subject or self.message_id


class SiteFlag(models.Model):
    """A one-off fact about this install (e.g. the getting-started checklist was dismissed), with who set it."""

    name = models.CharField(max_length=80, unique=True)
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("site setting")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return self.name
