"""Channels: inbound and outbound e-mail, web form, chat and webhooks, turned into helpdesk service calls."""
