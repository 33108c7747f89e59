"""The build: load, validate, reason, store and export, in stages that run in parallel where they can."""
