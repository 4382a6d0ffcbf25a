"""dlt rest_api configs of the five APIs, one module per provider (named like it)."""
