"""Message templates: saved whole (the template and every language version) in one transaction, with
their placeholders checked, so a template in use never has an unknown placeholder."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pelatis.channels.sms import sms_max_parts, sms_size
from pelatis.core.templatetags.pelatis_ui import language_label

from ..models import MessageTemplate, TemplateVersion
from ..models.content import Channel, Purpose
from ..rendering import placeholders_check, placeholders_in

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


@dataclass(frozen=True)
class VersionInput:
    language: str
    subject: str
    body: str


def _version_errors(
    index: int, version: VersionInput, *, channel: str, seen: set[str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    prefix = f"versions.{index}"
    language = version.language.strip().lower()
    if not LANGUAGE_CODE.match(language):
        errors[f"{prefix}.language"] = [_("Write a language code such as el, en or de.")]
    elif language in seen:
        errors[f"{prefix}.language"] = [
            _("There is already a version in %(language)s.") % {"language": language_label(language)}
        ]
    seen.add(language)
    if channel == Channel.EMAIL and not version.subject.strip():
        errors[f"{prefix}.subject"] = [_("An email needs a subject.")]
    if not version.body.strip():
        errors[f"{prefix}.body"] = [_("The text is empty.")]
    for field, source in ((f"{prefix}.subject", version.subject), (f"{prefix}.body", version.body)):
        try:
            placeholders_check(source, field=field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return errors


@transaction.atomic
def template_save(
    *,
    name: str,
    channel: str,
    purpose: str,
    fallback_language: str,
    versions: list[VersionInput],
    template: MessageTemplate | None = None,
    by: User | AnonymousUser | None = None,
) -> MessageTemplate:
    """Create or change a template with its versions (versions left out are removed). ValidationError
    names the field: ``name``, ``channel``, ``purpose``, ``fallback_language``, ``versions.N.body``…"""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    fallback = fallback_language.strip().lower()
    if not name:
        errors["name"] = [_("A name is required.")]
    elif MessageTemplate.objects.filter(name=name).exclude(pk=template.pk if template else 0).exists():
        errors["name"] = [_("A template with this name already exists.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Choose email or SMS.")]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose what the messages are for.")]
    if not versions:
        errors["versions"] = [_("Write the message in at least one language.")]
    seen: set[str] = set()
    for index, version in enumerate(versions):
        errors.update(_version_errors(index, version, channel=channel, seen=seen))
    if versions and fallback not in seen:
        errors["fallback_language"] = [
            _("The fallback language needs a version: write one in %(language)s or choose another.")
            % {"language": language_label(fallback) if fallback else "—"}
        ]
    if errors:
        raise ValidationError(errors)
    if template is None:
        actor = by if by is not None and by.is_authenticated else None
        template = MessageTemplate(created_by=actor)
    else:
        template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    template.name, template.channel, template.purpose, template.fallback_language = (
        name,
        channel,
        purpose,
        fallback,
    )
    template.save()
    kept = []
    for version in versions:
        row, _created = TemplateVersion.objects.update_or_create(
            template=template,
            language=version.language.strip().lower(),
            defaults={
                "subject": " ".join(version.subject.split()) if channel == Channel.EMAIL else "",
                "body": version.body.replace("\r\n", "\n").strip(),
            },
        )
        kept.append(row.pk)
    template.versions.exclude(pk__in=kept).delete()
    return template


def template_warnings(template: MessageTemplate) -> list[str]:
    """What deserves a second look but may be saved: an SMS longer than PELATIS_SMS_MAX_PARTS parts
    (counted without the placeholders' values, which add to it)."""
    if template.channel != Channel.SMS:
        return []
    warnings = []
    for version in template.versions.all():
        bare = version.body
        for name in set(placeholders_in(version.body)):
            bare = re.sub(r"\{\{\s*" + re.escape(name) + r"\s*\}\}", "", bare)
        size = sms_size(bare)
        if size.parts > sms_max_parts():
            warnings.append(
                _(
                    "The SMS in %(language)s takes %(parts)s parts (%(length)s characters in %(encoding)s, "
                    "%(per_part)s a part) before its placeholders are filled; more than %(max)s parts cost more."
                )
                % {
                    "language": language_label(version.language),
                    "parts": size.parts,
                    "length": size.length,
                    "encoding": size.encoding,
                    "per_part": size.per_part,
                    "max": sms_max_parts(),
                }
            )
    return warnings
