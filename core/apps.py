from django.apps import AppConfig
from django.db.backends.signals import connection_created

#: The collation name used for Vietnamese ordering. PostgreSQL ships it with ICU;
#: on SQLite we register a function of the same name, so queries are the same on both.
VI_COLLATION = "vi-x-icu"


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """The Vietnamese collation, and the search-key function stored generated columns call."""
    if connection.vendor == "sqlite":
        from core.expressions import SQLITE_SEARCH_KEY
        from core.text import compare, search_key

        connection.connection.create_collation(VI_COLLATION, compare)
        connection.connection.create_function(
            SQLITE_SEARCH_KEY, 1, search_key, deterministic=True
        )


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        connection_created.connect(register_sqlite_collation, dispatch_uid="thidua-vi-collation")
