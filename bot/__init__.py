"""Pocket Director: make a music video by chatting with a Telegram bot."""

__version__ = "0.1.0"
