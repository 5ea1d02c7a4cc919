"""Layer 0: helpers every other layer may use (rng, optional imports, validation, logging)."""
