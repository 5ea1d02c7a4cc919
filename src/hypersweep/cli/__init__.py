"""The ``hypersweep`` console script: one module per command group."""
