"""Tickets, their messages and attachments, history, SLA pauses and search documents."""

from __future__ import annotations

from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer, Order, Tag

from .desk import SlaPolicy, Team


class Ticket(models.Model):
    class Type(models.TextChoices):
        QUESTION = "question", _("Question")
        COMPLAINT = "complaint", _("Complaint")
        RETURN = "return", _("Return")
        CLAIM = "claim", _("Claim")
        COMPLIMENT = "compliment", _("Compliment")
        INTERNAL = "internal", _("Internal request")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending customer")
        ON_HOLD = "on_hold", _("On hold")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Stage(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Investigating")
        PROPOSED = "proposed", _("Resolution proposed")
        RESOLVED = "resolved", _("Resolved")
        CONFIRMED = "confirmed", _("Follow-up confirmed")

    subject = models.CharField(_("subject"), max_length=250)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.QUESTION)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    stage = models.CharField(_("complaint stage"), max_length=14, choices=Stage.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=12, default="email")
    language = models.CharField(_("language"), max_length=10, default="el")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    orders = models.ManyToManyField(Order, blank=True, related_name="tickets")

    sla_policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_due = models.DateTimeField(null=True, blank=True, db_index=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    sla_breached = models.BooleanField(default=False, db_index=True)

    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveIntegerField(default=0)
    # Business minutes (the SLA calendar, pauses excluded), kept when the moment happens so
    # reports aggregate them in SQL: creation → first answer, and creation → resolution.
    first_response_minutes = models.FloatField(null=True, blank=True)
    resolution_minutes = models.FloatField(null=True, blank=True)
    agent_replies = models.PositiveIntegerField(default=0)
    follow_up_due = models.DateTimeField(null=True, blank=True, db_index=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # When the requester proved the address is theirs: at once for mail from the mailbox itself and for
    # staff-logged tickets; for a web-form request only after its confirmation link or a later email
    # from that mailbox. Until then the public request page shows nothing but what the visitor typed.
    requester_verified_at = models.DateTimeField(null=True, blank=True)
    # Indexed only where set (see Meta): almost every ticket has none, and a full index on it lures
    # SQLite's planner into walking it for "merged_into IS NULL".
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from", db_index=False
    )

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "assignee", "-created_at"], name="ticket_inbox_mine"),
            models.Index(fields=["status", "team", "-created_at"], name="ticket_inbox_team"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer"),
            models.Index(fields=["-created_at", "-id"], name="ticket_recent"),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="ticket_merged_into",
            ),
            # "Overdue first" and "breaching soon" look tickets up by their running clocks; most tickets
            # have none running, so these stay small.
            models.Index(
                fields=["next_response_due"],
                condition=models.Q(next_response_due__isnull=False),
                name="ticket_next_response_due",
            ),
            models.Index(
                fields=["resolution_due"],
                condition=models.Q(resolution_due__isnull=False),
                name="ticket_resolution_due",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    @property
    def first_contact_resolution(self) -> bool:
        """Resolved with a single answer from us and never reopened."""
        return self.resolved_at is not None and self.reopened_count == 0 and self.agent_replies <= 1


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("From the customer")
        OUTBOUND = "out", _("To the customer")
        NOTE = "note", _("Internal note")

    class Delivery(models.TextChoices):
        NONE = "", _("Not sent by email")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_email = models.CharField(max_length=254, blank=True)
    to = models.JSONField(default=list, blank=True)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    visible_text = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, null=True, blank=True, unique=True)
    in_reply_to = models.CharField(max_length=250, blank=True, db_index=True)
    references = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=10, blank=True)
    is_auto = models.BooleanField(default=False)
    # Outbound email: queued (with its Message-ID) → sending (claimed by one sender) → sent, or failed.
    # A failed message with a next attempt is retried with the same Message-ID; without one it was given up.
    delivery = models.CharField(max_length=8, choices=Delivery.choices, blank=True, default="")
    delivery_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    # What an automatic email is rendered from (the reply template and the agent's text when empty).
    email_template = models.CharField(max_length=120, blank=True)
    email_context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where a customer's message was typed: "web" for the support form and the request page, so the page
    # of an unverified web request shows back only what was typed there.
    via = models.CharField(max_length=8, blank=True, default="")
    # The ticket a message was written on, when a merge moved it to another one: the public request
    # page of the survivor shows only what belonged to its own customer.
    origin_ticket = models.ForeignKey(
        "Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_thread"),
            models.Index(fields=["delivery", "next_attempt_at"], name="message_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} #{self.ticket_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An outbound email gets its Message-ID once, when it is queued: every retry sends the same one,
        # so receiving servers (and our own ingestion) recognise a resend after a crash.
        if self.delivery == self.Delivery.QUEUED and not self.message_id:
            self.message_id = self.new_message_id()
        super().save(*args, **kwargs)

    @staticmethod
    def new_message_id() -> str:
        """A fresh RFC 5322 Message-ID on the domain of the sender address."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "pelatis.local"
        return make_msgid(domain=domain)


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to="attachments/%Y/%m/", blank=True)
    rejected = models.CharField(max_length=200, blank=True, help_text=_("Why the file was not kept"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """The ticket's history: status and stage changes, assignment, SLA pauses, merges."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    old = models.CharField(max_length=60, blank=True)
    new = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ticket history entry")
        verbose_name_plural = _("ticket history entries")
        indexes = [models.Index(fields=["ticket", "kind", "at"], name="ticket_event_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.old} → {self.new}"


class SlaPause(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=10)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")

    def __str__(self) -> str:
        return f"{self.reason} {self.started_at:%Y-%m-%d %H:%M}"


class TicketSearch(models.Model):
    """The words a ticket is found by (helpdesk.search builds them): subject, customer name and what the
    customer wrote, folded, with the Greeklish key of each Greek word. SQLite searches it through an FTS5
    table that triggers keep in step; PostgreSQL through a GIN full-text index on the same column."""

    ticket = models.OneToOneField(Ticket, primary_key=True, on_delete=models.CASCADE, related_name="+")
    doc = models.TextField()

    class Meta:
        verbose_name = _("ticket search entry")
        verbose_name_plural = _("ticket search entries")

    def __str__(self) -> str:
        return f"#{self.ticket_id}"
