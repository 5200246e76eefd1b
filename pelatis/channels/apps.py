from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "pelatis.channels"
    label = "channels"
    verbose_name = _("Channels")
