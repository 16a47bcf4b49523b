"""Command line interface: ``llgsot <command> ...`` (the only place that parses arguments)."""
