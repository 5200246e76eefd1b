"""Staff UI of the help desk, by subject: the inbox, the ticket page, its actions, merge, the reply box's
helpers and the agent's own profile.

Each view parses, fetches through ``queries.ticket_for`` (which checks the
permission), calls one service and renders. A service's ValidationError comes
back as 422 with the message next to the field; htmx swaps the form's card.
"""
