"""SQLite (through sqlite-utils) and content-addressed media files."""
