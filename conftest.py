"""Repository-level pytest set-up: plugins every test run loads (whatever the command line).

tests/invariants_plugin.py runs the data invariant checker (``flask check``) after every test that used the
database (security.md §4.6)."""
pytest_plugins = ["tests.invariants_plugin"]
