"""The pytest plugin of the edastack snapshot kit (registered through the ``pytest11`` entry point)."""
