"""Telegram handlers: parse an update, call one studio use case, reply from the catalog."""
