"""Server-rendered pages and the routes of the outgoing feeds."""
