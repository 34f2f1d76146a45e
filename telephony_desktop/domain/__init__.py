"""Plain data and pure helpers. Imports nothing from the layers above."""
