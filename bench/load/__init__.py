"""The load run's parts: throw-away servers on 127.0.0.1 (PostgreSQL, Redis, an SMTP sink, `pelatis serve`,
`pelatis worker`), the data set, and an asyncio/httpx client that drives a bounded mixed load."""
