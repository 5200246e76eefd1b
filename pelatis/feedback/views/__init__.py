"""Feedback pages: public ones behind signed links (:mod:`.public`), staff ones behind a log-in (:mod:`.staff`)."""
