"""Everything about earlier builds: what they read, made and left, kept so that a
rebuild does only what changed. The pipeline works without it (`--no-cache`);
nothing outside this package imports it but build.py."""
