"""Operations: the Python API that the CLI, REST API and users call (core + adapters glued)."""
