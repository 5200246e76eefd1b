"""The production engines, each switched on by an environment variable and parsed here into Django settings.

``pelatis.settings`` calls these; each module is plain Python (no Django set-up needed) so a malformed
value fails at start-up with ImproperlyConfigured naming the variable.
"""
