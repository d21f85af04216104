"""The ``ovfkit`` command line: a thin face over the library."""
