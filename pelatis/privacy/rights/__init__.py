"""The data-subject rights of access, portability and erasure: export and erase a customer across
every app, through each app's ``PERSONAL_DATA`` participant (``pelatis.core.personaldata``)."""
