"""The `mbp-registry` command line: thin Click commands over the registry library."""
